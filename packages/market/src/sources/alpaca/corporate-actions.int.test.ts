/**
 * Alpaca corporate actions against the loopback mock: the key headers, paging by
 * `next_page_token`, splits as new_rate / old_rate and cash dividends by rate, a malformed answer
 * refused; stored, a split read back adjusts earlier candles and the provider's duplicate is kept
 * once.
 */
import { createPgliteSql, loadMigrationSets, migrate, MIGRATIONS_DIR, type Sql } from '@tickline/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeCorporateActions } from '../../corporate-actions/actions-store.ts';
import { queryAdjustedCandles } from '../../corporate-actions/adjusted-reads.ts';
import { MARKET_MIGRATIONS_DIR } from '../../config.ts';
import { importCandles } from '../../storage/candle-history.ts';
import { AlpacaMock } from '../testing/alpaca-mock.ts';
import { decodeAlpacaCorporateActions, fetchAlpacaCorporateActions } from './corporate-actions.ts';

const split = (symbol: string, ex: string, newRate: number, oldRate: number) => ({
  type: 'forward_split' as const,
  symbol,
  new_rate: newRate,
  old_rate: oldRate,
  ex_date: ex,
  process_date: ex,
  record_date: ex,
});
const dividend = (symbol: string, ex: string, rate: number) => ({
  type: 'cash_dividend' as const,
  symbol,
  rate,
  special: false,
  foreign: false,
  ex_date: ex,
  process_date: ex,
  record_date: ex,
});

describe('alpaca - corporate actions', () => {
  let mock: AlpacaMock;
  let sql: Sql;
  beforeAll(async () => {
    mock = await new AlpacaMock().listen();
    mock.corporateActions.push(
      split('AAPL', '2020-08-31', 4, 1),
      dividend('AAPL', '2020-08-07', 0.82),
      dividend('AAPL', '2020-11-06', 0.205),
      { ...split('AAPL', '2019-01-02', 1, 10), type: 'reverse_split' },
      split('TSLA', '2020-08-31', 5, 1),
    );
    sql = await createPgliteSql({ memory: true });
    await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, MARKET_MIGRATIONS_DIR]) });
  }, 60_000);
  afterAll(async () => {
    await mock?.close();
    await sql?.close();
  });

  const credentials = { keyId: 'mock-key', secretKey: 'mock-secret' };

  it('alpaca - fetches a symbol’s splits and dividends page by page, oldest first', async () => {
    const actions = await fetchAlpacaCorporateActions(
      { ...credentials, restUrl: mock.restUrl, pageLimit: 1 },
      'AAPL.US',
      { start: '2020-01-01', end: '2020-12-31' },
    );
    expect(actions).toEqual([
      { kind: 'dividend', exDate: '2020-08-07', amount: 0.82 },
      { kind: 'split', exDate: '2020-08-31', ratio: 4 },
      { kind: 'dividend', exDate: '2020-11-06', amount: 0.205 },
    ]);
    const reverse = await fetchAlpacaCorporateActions({ ...credentials, restUrl: mock.restUrl }, 'AAPL.US', {
      start: '2019-01-01',
      end: '2019-01-31',
    });
    expect(reverse).toEqual([{ kind: 'split', exDate: '2019-01-02', ratio: 0.1 }]);
  });

  it('alpaca - a wrong key is refused with the status; a malformed answer is not decoded', async () => {
    await expect(
      fetchAlpacaCorporateActions({ keyId: 'x', secretKey: 'y', restUrl: mock.restUrl }, 'AAPL.US', {
        start: '2020-01-01',
        end: '2020-12-31',
      }),
    ).rejects.toThrow(/HTTP 401/);
    expect(() =>
      decodeAlpacaCorporateActions({ corporate_actions: { forward_splits: [{ ex_date: '2020-08-31', new_rate: 'four', old_rate: 1 }] } }),
    ).toThrow(/new_rate is not a positive number/);
    expect(() => decodeAlpacaCorporateActions({ corporate_actions: { cash_dividends: {} } })).toThrow(/not an array/);
  });

  it('alpaca - fetched actions stored adjust the candles before the split, once however often fetched', async () => {
    // Daily bars around the 4-for-1 split: 500 before, 125 from the ex date (US session opens, UTC).
    const bar = (day: number, price: number) => {
      const openTime = Date.UTC(2020, 7, day, 13, 30);
      return {
        exchange: 'alpaca',
        symbol: 'AAPL.US',
        interval: '1d' as const,
        openTime,
        closeTime: openTime + 6.5 * 3_600_000,
        open: price,
        high: price,
        low: price,
        close: price,
        volume: 100,
        quoteVolume: 100 * price,
        trades: 10,
        incomplete: false,
        revision: 0,
      };
    };
    await sql.transaction((tx) => importCandles(tx, [bar(27, 500), bar(28, 500), bar(31, 125)], null));
    const range = { start: '2020-08-20', end: '2020-09-10' };
    const fetched = await fetchAlpacaCorporateActions({ ...credentials, restUrl: mock.restUrl }, 'AAPL.US', range);
    const first = await storeCorporateActions(sql, 'AAPL.US', fetched, 'alpaca');
    expect(first.stored).toEqual([expect.objectContaining({ kind: 'split', ratio: 4, status: 'applied', source: 'alpaca' })]);
    const again = await storeCorporateActions(sql, 'AAPL.US', fetched, 'alpaca');
    expect(again).toMatchObject({ version: null, duplicates: 1 });
    const read = await queryAdjustedCandles(sql, { symbol: 'AAPL.US', interval: '1d', from: 0, adjust: 'split' });
    expect(read.candles.map((c) => [c.close, c.volume])).toEqual([
      [125, 400],
      [125, 400],
      [125, 100],
    ]);
  });
});
