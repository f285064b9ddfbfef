/**
 * Imported history's cases for one engine (candle-history.ts): history outlives retention, the
 * recorded candle wins a shared key, reads run across both tables, an upload deletes what it
 * wrote. Registered by {@link marketStorageCases} inside its suite, on its database.
 */
import type { Sql } from '@tickline/store';
import { expect, it } from 'vitest';
import { deleteUploadedCandles, importCandles } from './candle-history.ts';
import { DEFAULT_CANDLE_RETENTION_MS, maintainMarketPartitions } from './partition-maintenance.ts';
import { createCandleProjection } from './projections.ts';
import { listMarkets, queryCandles } from './queries.ts';
import { candle, closed, DAY, T0 } from './storage-fixtures.test-support.ts';

/** `db` gives the suite's database, migrated and empty before each case. */
export function marketHistoryCases(db: () => Sql): void {
  it('history - imported candles older than the retention outlive maintenance passes and are read back', async () => {
    const sql = db();
    // Older than the default two years, where a recorded candle is dropped by the pass.
    const old = T0 - DEFAULT_CANDLE_RETENTION_MS - 90 * DAY;
    const imported = [0, 1, 2].map((i) => candle(old + i * 60_000, 50 + i));
    const fine = candle(T0 - 10 * DAY, 7, 0, { interval: '1s', closeTime: T0 - 10 * DAY + 1_000 });
    expect(await importCandles(sql, [...imported, fine], 'upload-1')).toBe(4);
    await createCandleProjection({ sql }).apply([closed(candle(old + 5 * 60_000, 99))]);
    for (const now of [T0, T0 + 40 * DAY]) {
      const pass = await maintainMarketPartitions(sql, now);
      expect(pass.candles.dropped).toEqual([]);
    }
    // The recorded one went with the retention; the imported ones, 1 s included, did not.
    const left = await queryCandles(sql, { symbol: 'BTC-USDT', interval: '1m', from: 0 });
    expect(left.map((c) => [c.openTime, c.close])).toEqual(imported.map((c) => [c.openTime, c.close]));
    expect(left[0]).toMatchObject({ ...imported[0], closed: true });
    expect((await queryCandles(sql, { symbol: 'BTC-USDT', interval: '1s' })).map((c) => c.close)).toEqual([
      7,
    ]);
    // The market lists the symbol, as a projected candle makes it.
    expect(await listMarkets(sql)).toEqual([
      expect.objectContaining({ exchange: 'sim', symbol: 'BTC-USDT', firstSeenAt: old }),
    ]);
  });

  it('history - a recorded candle wins over an imported one with the same key, whichever came first', async () => {
    const sql = db();
    const projection = createCandleProjection({ sql });
    const at = (i: number) => T0 + i * 60_000;
    await projection.apply([closed(candle(at(1), 901))]);
    await importCandles(
      sql,
      [0, 1, 2, 3].map((i) => candle(at(i), 50 + i)),
      'upload-1',
    );
    await projection.apply([closed(candle(at(2), 902, 1))]);
    // The same time on another exchange is another key: both are read, ordered by exchange.
    await importCandles(sql, [candle(at(1), 7, 0, { exchange: 'other' })], null);
    const read = await queryCandles(sql, { symbol: 'BTC-USDT', interval: '1m', from: at(0) });
    expect(read.map((c) => [(c.openTime - T0) / 60_000, c.exchange, c.close])).toEqual([
      [0, 'sim', 50],
      [1, 'other', 7],
      [1, 'sim', 901],
      [2, 'sim', 902],
      [3, 'sim', 53],
    ]);
    expect(read[3]).toMatchObject({ revision: 1 });
    // Importing the key again (a chunk sent twice, or a new file) still loses to the recorded one:
    // a key recorded already is not imported at all.
    expect(await importCandles(sql, [candle(at(1), 60)], 'upload-2')).toBe(0);
    expect(
      (
        await queryCandles(sql, {
          symbol: 'BTC-USDT',
          interval: '1m',
          exchange: 'sim',
          from: at(1),
          to: at(2),
        })
      )[0],
    ).toMatchObject({
      close: 901,
    });
  });

  it('history - ranges, limits and the latest rows run across both tables in one order', async () => {
    const sql = db();
    const opens = Array.from({ length: 10 }, (_, i) => T0 + i * 60_000);
    // Even minutes recorded, odd ones imported; one more on another exchange at minute 9.
    await createCandleProjection({ sql }).apply(
      opens.filter((_, i) => i % 2 === 0).map((o) => closed(candle(o, 100))),
    );
    await importCandles(
      sql,
      opens.filter((_, i) => i % 2 === 1).map((o) => candle(o, 200)),
      'upload-1',
    );
    await importCandles(sql, [candle(opens[9]!, 5, 0, { exchange: 'other' })], 'upload-1');
    const minutes = (rows: { openTime: number }[]) => rows.map((r) => (r.openTime - T0) / 60_000);
    const q = { symbol: 'BTC-USDT', interval: '1m', exchange: 'sim' } as const;
    expect(minutes(await queryCandles(sql, q))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(minutes(await queryCandles(sql, { ...q, from: opens[3], to: opens[7] }))).toEqual([3, 4, 5, 6]);
    expect(minutes(await queryCandles(sql, { ...q, from: opens[2], limit: 3 }))).toEqual([2, 3, 4]);
    expect(minutes(await queryCandles(sql, { ...q, limit: 3 }))).toEqual([7, 8, 9]);
    expect(minutes(await queryCandles(sql, { ...q, to: opens[6], limit: 2 }))).toEqual([4, 5]);
    // Paging as a backtest does (from the last open + 1) reads every row once.
    const paged: number[] = [];
    for (let from = opens[0]!; ;) {
      const page = await queryCandles(sql, { ...q, from, limit: 4 });
      paged.push(...minutes(page));
      if (page.length < 4) break;
      from = page.at(-1)!.openTime + 1;
    }
    expect(paged).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Every exchange: ties by exchange, in the latest rows too.
    const latest = await queryCandles(sql, { symbol: 'BTC-USDT', interval: '1m', limit: 3 });
    expect(latest.map((c) => [(c.openTime - T0) / 60_000, c.exchange, c.close])).toEqual([
      [8, 'sim', 100],
      [9, 'other', 5],
      [9, 'sim', 200],
    ]);
  });

  it('history - deleting an upload deletes the rows it wrote last, nothing else', async () => {
    const sql = db();
    const at = (i: number) => T0 + i * 60_000;
    await createCandleProjection({ sql }).apply([closed(candle(at(0), 900))]);
    await importCandles(
      sql,
      [0, 1, 2].map((i) => candle(at(i), 10 + i)),
      'upload-1',
    );
    // A chunk sent twice changes nothing; a later upload takes minute 2 over.
    await importCandles(
      sql,
      [0, 1, 2].map((i) => candle(at(i), 10 + i)),
      'upload-1',
    );
    await importCandles(
      sql,
      [2, 3].map((i) => candle(at(i), 20 + i)),
      'upload-2',
    );
    await importCandles(sql, [candle(at(4), 30)], null);
    const read = async () =>
      (await queryCandles(sql, { symbol: 'BTC-USDT', interval: '1m', from: at(0) })).map((c) => [
        (c.openTime - T0) / 60_000,
        c.close,
      ]);
    expect(await read()).toEqual([
      [0, 900],
      [1, 11],
      [2, 22],
      [3, 23],
      [4, 30],
    ]);
    // Minute 0 was recorded before upload-1 came: never imported, so only minute 1 goes.
    expect(await deleteUploadedCandles(sql, 'upload-1')).toBe(1);
    expect(await read()).toEqual([
      [0, 900],
      [2, 22],
      [3, 23],
      [4, 30],
    ]);
    expect(await deleteUploadedCandles(sql, 'upload-1')).toBe(0);
    expect(await deleteUploadedCandles(sql, 'upload-2')).toBe(2);
    expect(await read()).toEqual([
      [0, 900],
      [4, 30],
    ]);
    expect(await listMarkets(sql)).toHaveLength(1);
  });

  it('history - deleting the only upload of a market takes the market out of the list; candles left keep it', async () => {
    const sql = db();
    const at = (i: number) => T0 - 30 * DAY + i * 60_000;
    // A market only an upload made (a mistyped symbol), and one recorded before it was uploaded to
    await importCandles(sql, [candle(at(0), 10, 0, { symbol: 'ETH-BTC' })], 'mistyped');
    await createCandleProjection({ sql }).apply([closed(candle(at(0), 900))]);
    await importCandles(sql, [candle(at(1), 11)], 'upload-1');
    const listed = async () => (await listMarkets(sql)).map((m) => m.symbol);
    expect(await listed()).toEqual(['BTC-USDT', 'ETH-BTC']);
    // When both uploads are deleted
    expect(await deleteUploadedCandles(sql, 'mistyped')).toBe(1);
    expect(await deleteUploadedCandles(sql, 'upload-1')).toBe(1);
    // Then the market nothing else holds is gone; the recorded one stays
    expect(await listed()).toEqual(['BTC-USDT']);
  });
}
