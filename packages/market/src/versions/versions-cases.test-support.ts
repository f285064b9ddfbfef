/**
 * Data versions and corporate actions for one engine (versions/data-versions.ts,
 * corporate-actions/): a correction keeps the earlier values for as-of reads, a deletion too, a
 * split adjusts earlier candles and a contradicted one is flagged. Registered by
 * marketStorageCases inside its suite, on its database.
 */
import type { Sql } from '@tickline/store';
import { expect, it } from 'vitest';
import { queryAdjustedCandles } from '../corporate-actions/adjusted-reads.ts';
import { listCorporateActions, storeCorporateActions } from '../corporate-actions/actions-store.ts';
import { deleteUploadedCandles, importCandles } from '../storage/candle-history.ts';
import { queryCandles } from '../storage/queries.ts';
import { candle, DAY } from '../storage/storage-fixtures.test-support.ts';
import { changedAfter, dataVersionAt, latestDataVersion, listDataVersions, versionsAfter } from './data-versions.ts';

// 2025-06-02 (a Monday) 13:30 UTC: a US session open; daily bars one day apart.
const MON = Date.UTC(2025, 5, 2, 13, 30);
const day = (i: number, close: number, open = close) =>
  candle(MON + i * DAY, close, 0, {
    symbol: 'AAPL.US',
    exchange: 'alpaca',
    interval: '1d',
    closeTime: MON + i * DAY + 6.5 * 3_600_000,
    open,
    high: Math.max(open, close),
    low: Math.min(open, close),
    volume: 1_000,
  });
const closes = async (sql: Sql, asOfVersion?: number) =>
  (
    await queryCandles(sql, {
      symbol: 'AAPL.US',
      interval: '1d',
      from: 0,
      ...(asOfVersion === undefined ? {} : { asOfVersion }),
    })
  ).map((c) => c.close);

export function marketVersionCases(db: () => Sql): void {
  it('versions - a correction keeps the earlier values, which a read as of the first version returns', async () => {
    const sql = db();
    await sql.transaction((tx) => importCandles(tx, [day(0, 100), day(1, 101), day(2, 102)], null));
    const first = await latestDataVersion(sql);
    expect(first).toBeGreaterThan(0);
    // The same values again (a chunk sent twice) change nothing and make no version.
    await sql.transaction((tx) => importCandles(tx, [day(1, 101)], null));
    expect(await latestDataVersion(sql)).toBe(first);
    // A provider revision of day 1 and a new day 3.
    await sql.transaction((tx) =>
      importCandles(tx, [day(1, 111), day(3, 103)], null, { kind: 'download', source: 'download:alpaca' }),
    );
    const second = await latestDataVersion(sql);
    expect(second).toBeGreaterThan(first);
    expect(await closes(sql)).toEqual([100, 111, 102, 103]);
    expect(await closes(sql, first)).toEqual([100, 101, 102]);
    expect(await closes(sql, second)).toEqual([100, 111, 102, 103]);
    const versions = await listDataVersions(sql, { symbol: 'AAPL.US', interval: '1d' });
    expect(versions.map((v) => [v.id, v.kind, v.source, v.changed, v.firstOpen, v.lastOpen])).toEqual([
      [second, 'download', 'download:alpaca', 2, MON + DAY, MON + 3 * DAY],
      [first, 'import', 'import', 3, MON, MON + 2 * DAY],
    ]);
    // A range the correction did not touch has not changed since the first version.
    expect(await versionsAfter(sql, { symbol: 'AAPL.US', interval: '1d', from: MON, to: MON + DAY }, first)).toEqual([]);
    expect(
      (await versionsAfter(sql, { symbol: 'AAPL.US', interval: '1d', from: MON, to: MON + 2 * DAY }, first)).map((v) => v.id),
    ).toEqual([second]);
    // What a pinned read asks before it takes the plain path: did the symbol change since?
    expect([await changedAfter(sql, 'AAPL.US', first), await changedAfter(sql, 'AAPL.US', second)]).toEqual([true, false]);
    expect(await changedAfter(sql, 'MSFT.US', 0)).toBe(false);
    const created = versions[1]!.createdAt;
    expect(await dataVersionAt(sql, created)).toBeGreaterThanOrEqual(first);
    expect(await dataVersionAt(sql, created - 60_000)).toBe(0);
  });

  it('versions - a deleted upload is read back as of a version before the deletion', async () => {
    const sql = db();
    await sql.transaction((tx) => importCandles(tx, [day(0, 100), day(1, 101)], 'upload-a'));
    const before = await latestDataVersion(sql);
    await sql.transaction((tx) => importCandles(tx, [day(1, 121)], 'upload-b'));
    const corrected = await latestDataVersion(sql);
    expect(await sql.transaction((tx) => deleteUploadedCandles(tx, 'upload-b'))).toBe(1);
    // Only day 0 is left (upload-a's day 1 was replaced by upload-b's, which is gone).
    expect(await closes(sql)).toEqual([100]);
    expect(await closes(sql, before)).toEqual([100, 101]);
    expect(await closes(sql, corrected)).toEqual([100, 121]);
    const [deletion] = await listDataVersions(sql, { symbol: 'AAPL.US' });
    expect(deletion).toMatchObject({ kind: 'delete', source: 'upload:upload-b', changed: 1 });
  });

  it('corporate actions - a split back-adjusts earlier candles, raw stays raw, a contradicted split is flagged', async () => {
    const sql = db();
    // A 4-for-1 split before day 2: 400 → 100. Day 4 has no jump.
    await sql.transaction((tx) =>
      importCandles(tx, [day(0, 396), day(1, 400), day(2, 101, 100), day(3, 102), day(4, 103)], null),
    );
    const before = await latestDataVersion(sql);
    const result = await storeCorporateActions(
      sql,
      'AAPL.US',
      [
        { kind: 'split', exDate: '2025-06-04', ratio: 4 },
        { kind: 'split', exDate: '2025-06-06', ratio: 2 },
      ],
      'import',
    );
    expect(result.stored.map((a) => [a.exDate, a.status])).toEqual([
      ['2025-06-04', 'applied'],
      ['2025-06-06', 'flagged'],
    ]);
    expect(result.stored[1]!.reason).toMatch(/no price jump at the split/);
    // The ex time is midnight in New York (04:00 UTC in June).
    expect(result.stored[0]!.exTime).toBe(Date.UTC(2025, 5, 4, 4));
    const read = (adjust: 'none' | 'split', asOfVersion?: number) =>
      queryAdjustedCandles(sql, {
        symbol: 'AAPL.US',
        interval: '1d',
        from: 0,
        adjust,
        ...(asOfVersion === undefined ? {} : { asOfVersion }),
      });
    const adjusted = await read('split');
    expect(adjusted.candles.map((c) => c.close)).toEqual([99, 100, 101, 102, 103]);
    expect(adjusted.candles.map((c) => c.volume)).toEqual([4_000, 4_000, 1_000, 1_000, 1_000]);
    expect((await read('none')).candles.map((c) => c.close)).toEqual([396, 400, 101, 102, 103]);
    // As of before the actions were stored, the adjusted read is the raw one.
    expect((await read('split', before)).candles.map((c) => c.close)).toEqual([396, 400, 101, 102, 103]);
    // Storing the same actions again keeps them as they were.
    const again = await storeCorporateActions(sql, 'AAPL.US', [{ kind: 'split', exDate: '2025-06-04', ratio: 4 }], 'alpaca');
    expect(again).toMatchObject({ version: null, stored: [], duplicates: 1 });
    expect((await listCorporateActions(sql, 'AAPL.US')).map((a) => a.source)).toEqual(['import', 'import']);
  });

  it('corporate actions - a total-return read folds a cash dividend into earlier prices', async () => {
    const sql = db();
    await sql.transaction((tx) => importCandles(tx, [day(0, 100), day(1, 100), day(2, 98)], null));
    await storeCorporateActions(sql, 'AAPL.US', [{ kind: 'dividend', exDate: '2025-06-04', amount: 2 }], 'import');
    const total = await queryAdjustedCandles(sql, { symbol: 'AAPL.US', interval: '1d', from: 0, adjust: 'total' });
    expect(total.candles.map((c) => c.close)).toEqual([98, 98, 98]);
    const split = await queryAdjustedCandles(sql, { symbol: 'AAPL.US', interval: '1d', from: 0, adjust: 'split' });
    expect(split.candles.map((c) => c.close)).toEqual([100, 100, 98]);
  });
}
