import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BinanceMock } from '@tickline/market/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '@tickline/cli';
import { seedDataDir } from '@tickline/testing';
import { runRecorded } from '../test-io.test-support.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 2, 1);

/** `count` REST kline rows of 1m from T0 (the venue's string decimals). */
function klineRows(count: number): unknown[][] {
  return Array.from({ length: count }, (_, i) => {
    const t = T0 + i * MINUTE;
    const open = 100 + i;
    return [
      t,
      String(open),
      String(open + 2),
      String(open - 1),
      String(open + 1),
      '1',
      t + MINUTE - 1,
      String(open),
      3,
      '0',
      '0',
      '0',
    ];
  });
}

describe('tickline market backfill against the Binance mock', () => {
  let mock: BinanceMock;
  let dir: string;

  beforeAll(async () => {
    mock = await new BinanceMock().listen();
    // 1,500 minutes: two REST pages (the venue's limit is 1,000 rows).
    mock.klines.set('BTCUSDT', klineRows(1_500));
    dir = await mkdtemp(join(tmpdir(), 'tickline-backfill-'));
    // A migrated database, as after a first start: the backfill is judged, not the migrations.
    await seedDataDir({ TICKLINE_DATA_DIR: dir });
  });
  afterAll(async () => {
    await mock?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('market backfill - pages 1m klines, rolls them up to 1h, stores them with progress', async () => {
    const run = await runRecorded(
      [
        'market',
        'backfill',
        '--source',
        'binance',
        '--symbol',
        'BTC-USDT',
        '--interval',
        '1h',
        '--from',
        new Date(T0).toISOString(),
        '--to',
        String(T0 + 1_500 * MINUTE),
        '--rest-url',
        mock.restUrl,
        '--json',
      ],
      { TICKLINE_DATA_DIR: dir },
    );
    expect(run.outcome, run.stderr).toBe(ExitCode.Ok);
    // 1,500 minutes = 25 whole hours; the range end rounds down to the hour.
    expect(JSON.parse(run.stdout)).toMatchObject({
      symbol: 'BTC-USDT',
      interval: '1h',
      candles: 25,
      stored: 25,
    });
    expect(run.stderr).toContain('100%');

    const otherVenue = await runRecorded(
      [
        'market',
        'backfill',
        '--source',
        'coinbase',
        '--symbol',
        'BTC-USDT',
        '--interval',
        '1h',
        '--from',
        '2026-03-01',
        '--to',
        '2026-03-02',
      ],
      { TICKLINE_DATA_DIR: dir },
    );
    expect(otherVenue.outcome).toBe(ExitCode.Usage);
    expect(otherVenue.stderr).toContain('only binance');
  });
});
