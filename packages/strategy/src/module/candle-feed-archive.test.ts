/**
 * A backtest's feed over a range the market archive moved to Parquet (issue 49): paged 5,000
 * candles at a time across the archived month and the one still in SQL, it loads the same bars
 * and names the same content as before archiving, so a report pinned on it still reproduces.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archiveOldCandles, listArchivedFiles, type Candle } from '@tickline/market';
import { createPgliteSql, type Sql } from '@tickline/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedKey } from '../sandbox/feed-transfer.ts';
import { migrateForStrategy } from '../testing/strategy-migrations.ts';
import { loadFeed, storeClosedCandles } from './candle-feed.ts';

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;
const FEB = Date.UTC(2026, 1, 1);

const minute = (openTime: number): Candle => {
  const close = 3_000 + Math.sin(openTime / MINUTE / 90) * 42.4242 + ((openTime / MINUTE) % 13) / 7;
  return {
    exchange: 'sim',
    symbol: 'ETH-USDT',
    interval: '1m',
    openTime,
    closeTime: openTime + MINUTE,
    open: close - 0.5,
    high: close + 1.25,
    low: close - 1.75,
    close,
    volume: 3 + ((openTime / MINUTE) % 5),
    quoteVolume: close * 3,
    trades: 12,
    incomplete: false,
    revision: 0,
  };
};

describe('backtest feed - an archived range', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickline-feed-archive-'));
  let sql: Sql;
  beforeAll(async () => {
    sql = await createPgliteSql({ memory: true });
    await migrateForStrategy(sql);
    const candles: Candle[] = [];
    for (let t = FEB - 6 * DAY; t < FEB + 5 * DAY; t += MINUTE) candles.push(minute(t));
    await storeClosedCandles(sql, candles);
  }, 60_000);
  afterAll(async () => {
    await sql?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('feed - the same bars and the same content name after January is archived', async () => {
    const query = { symbol: 'ETH-USDT', interval: '1m' as const, from: FEB - 6 * DAY, to: FEB + 5 * DAY };
    const before = await loadFeed(sql, query);
    expect(before.columns.openTime).toHaveLength(11 * 1_440);

    const archived = await archiveOldCandles(sql, Date.UTC(2026, 4, 15), { dir, afterMs: 90 * DAY });
    expect(archived.files.map((f) => [f.month, f.rows])).toEqual([['2026-01', 6 * 1_440]]);
    expect(await listArchivedFiles(sql, { symbol: 'ETH-USDT' })).toHaveLength(1);

    const after = await loadFeed(sql, query);
    expect([...after.columns.openTime]).toEqual([...before.columns.openTime]);
    expect([...after.columns.close]).toEqual([...before.columns.close]);
    expect([...after.columns.volume]).toEqual([...before.columns.volume]);
    expect(await feedKey(after)).toBe(await feedKey(before));
  });
});
