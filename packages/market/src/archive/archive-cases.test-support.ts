/**
 * The archive tier's cases, written once and run on PGlite (`archive.test.ts`) and on a real
 * PostgreSQL server (`archive.int.test.ts`), with files in a temp directory: months of recorded
 * candles go to Parquet and out of SQL, and every read shape gives what it gave before; the
 * maintenance job archives before its retention; a month written to again is archived anew; a
 * damaged or missing file is refused with its code, never half-read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMigrationSets, migrate, MIGRATIONS_DIR, type Sql } from '@tickline/store';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MARKET_MIGRATIONS_DIR } from '../config.ts';
import type { Candle } from '../port/market-message.ts';
import { importCandles } from '../storage/candle-history.ts';
import { upsertCandles } from '../storage/candle-writes.ts';
import { queryCandles, type CandleQuery } from '../storage/queries.ts';
import { ManualClock } from '@tickline/kernel';
import { partitionMaintenanceJob } from '../jobs/partition-job.ts';
import { archiveOldCandles } from './archive-candles.ts';
import { archiveTotals, listArchivedFiles } from './archive-catalogue.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const JAN = Date.UTC(2026, 0, 1);
const FEB = Date.UTC(2026, 1, 1);
const MAR = Date.UTC(2026, 2, 1);
const APR = Date.UTC(2026, 3, 1);
/** Mid-May: with 60 days, January and February are archived, March is not. */
const NOW = Date.UTC(2026, 4, 15);
const AFTER_MS = 60 * DAY;

function hourly(openTime: number, exchange = 'sim'): Candle {
  // A price path with fractional values, so a lossy round trip would show.
  const close = 100 + Math.sin(openTime / HOUR / 7) * 9.123456789 + (openTime % 7) / 3;
  return {
    exchange,
    symbol: 'BTC-USDT',
    interval: '1h',
    openTime,
    closeTime: openTime + HOUR,
    open: close - 0.25,
    high: close + 1.1,
    low: close - 1.3,
    close,
    volume: 12.5 + ((openTime / HOUR) % 5),
    quoteVolume: close * 12.5,
    trades: 40 + ((openTime / HOUR) % 11),
    incomplete: false,
    revision: 0,
  };
}

const hours = (from: number, to: number, exchange?: string): Candle[] => {
  const out: Candle[] = [];
  for (let t = from; t < to; t += HOUR) out.push(hourly(t, exchange));
  return out;
};

const BTC = { symbol: 'BTC-USDT', interval: '1h' } as const;
/** The read shapes of a chart, the candles API and a backtest's pages. */
const READS: CandleQuery[] = [
  { ...BTC },
  { ...BTC, to: FEB + 3 * DAY },
  { ...BTC, to: MAR + 2 * DAY, limit: 1_000 },
  { ...BTC, from: JAN, limit: 5_000 },
  { ...BTC, from: FEB - 2 * DAY, to: MAR + 2 * DAY, limit: 5_000 },
  { ...BTC, from: JAN + 10 * HOUR, to: JAN + 20 * HOUR },
  { ...BTC, exchange: 'other', from: 0 },
  { ...BTC, from: JAN, limit: 50, asOfVersion: 0 },
];

/** Registers the cases for one engine; `open` gives a handle on an empty database. */
export function marketArchiveCases(adapter: string, open: () => Promise<Sql>): void {
  describe(`market archive - ${adapter} and Parquet files`, () => {
    let sql: Sql;
    let dir: string;
    beforeAll(async () => {
      sql = await open();
    }, 60_000);
    afterAll(async () => {
      await sql?.close();
    });
    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'tickline-archive-'));
      await sql.exec('drop schema if exists public cascade; create schema public');
      await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, MARKET_MIGRATIONS_DIR]) });
      return () => rmSync(dir, { recursive: true, force: true });
    });

    const record = (candles: readonly Candle[]) =>
      sql.transaction((tx) =>
        upsertCandles(
          tx,
          candles.map((candle) => ({ candle, closed: true })),
        ),
      );
    const readAll = () => Promise.all(READS.map((q) => queryCandles(sql, q)));
    const sqlRows = async (before: number) =>
      Number(
        (
          await sql.query<{ n: number }>(
            'select count(*)::int as n from market_candles where open_time < $1',
            [new Date(before)],
          )
        ).rows[0]!.n,
      );
    const archive = (logger?: Parameters<typeof archiveOldCandles>[2]['logger']) =>
      archiveOldCandles(sql, NOW, { dir, afterMs: AFTER_MS, ...(logger ? { logger } : {}) });

    it('archive - old months leave SQL for Parquet files and every read gives the same candles', async () => {
      // An imported candle under a recorded key: the recorded one wins, before and after archiving.
      await sql.transaction((tx) => importCandles(tx, [{ ...hourly(JAN + 5 * HOUR), close: 1 }], null));
      await record([...hours(JAN, APR), ...hours(JAN, JAN + 3 * DAY, 'other')]);
      const before = await readAll();
      const shared = (reads: typeof before) =>
        reads[3]!.find((c) => c.exchange === 'sim' && c.openTime === JAN + 5 * HOUR);
      expect(shared(before)!.close).toBe(hourly(JAN + 5 * HOUR).close);
      const lines: Array<Record<string, unknown>> = [];
      const logger = { info: (fields: Record<string, unknown>) => void lines.push(fields) } as never;

      const result = await archive(logger);

      // January (two exchanges) and February; March ended too recently.
      expect(result.files.map((f) => [f.exchange, f.month, f.rows])).toEqual([
        ['other', '2026-01', 72],
        ['sim', '2026-01', 31 * 24],
        ['sim', '2026-02', 28 * 24],
      ]);
      expect(lines.map((l) => [l.exchange, l.month, l.rows])).toEqual(
        result.files.map((f) => [f.exchange, f.month, f.rows]),
      );
      expect(await sqlRows(MAR)).toBe(0);
      expect(await sqlRows(APR)).toBe(31 * 24);
      const files = await listArchivedFiles(sql);
      for (const f of files) expect((await stat(f.file)).size).toBe(f.fileBytes);
      const totals = archiveTotals(files);
      expect(totals).toMatchObject({ files: 3, rows: 72 + 59 * 24 });
      expect(totals.fileBytes).toBeGreaterThan(0);
      expect(totals.savedBytes).toBe(totals.sqlBytes - totals.fileBytes);
      expect(totals.fileBytes).toBeLessThan(totals.sqlBytes);

      const after = await readAll();
      expect(after).toEqual(before);
      expect(shared(after)!.close).toBe(hourly(JAN + 5 * HOUR).close);
      // A second pass finds nothing more to archive.
      expect((await archive()).files).toEqual([]);
    });

    it('archive - the maintenance job archives before its retention drops the month, and reports it', async () => {
      await record(hours(JAN, APR));
      const job = partitionMaintenanceJob({
        sql,
        clock: new ManualClock(NOW),
        // 100 days: January's rows would be deleted by this very pass had they not been archived first.
        candles: { retentionMs: 100 * DAY },
        archive: { dir, afterMs: AFTER_MS },
      });
      const details = await job.run(new AbortController().signal);
      expect(details).toMatchObject({
        archive: { files: 2, rows: 59 * 24, months: ['BTC-USDT 1h 2026-01', 'BTC-USDT 1h 2026-02'] },
      });
      expect(await queryCandles(sql, { ...BTC, from: JAN, limit: 5_000 })).toHaveLength(90 * 24);
    });

    it('archive - a file that cannot be written leaves every row in SQL and nothing in the catalogue', async () => {
    await record(hours(JAN, MAR));
    // The archive directory is a plain file: the first month's write fails inside its transaction.
    const blocked = join(dir, 'not-a-directory');
    await writeFile(blocked, 'x');
    await expect(archiveOldCandles(sql, NOW, { dir: blocked, afterMs: AFTER_MS })).rejects.toMatchObject({
      code: 'ENOTDIR',
    });
    expect(await sqlRows(MAR)).toBe(59 * 24);
    expect(await listArchivedFiles(sql)).toEqual([]);
  });

  it('archive - a month written to after it was archived is read with the new rows and archived anew', async () => {
      const gap = JAN + 9 * HOUR;
      await record(hours(JAN, MAR).filter((c) => c.openTime !== gap));
      await archive();
      const [first] = await listArchivedFiles(sql, { from: JAN, to: FEB });
      expect(first!.rows).toBe(31 * 24 - 1);
      // A late correction of one archived hour and the hour the month lacked (a backfill).
      const corrected = { ...hourly(JAN + 7 * HOUR), close: 555, revision: 1 };
      await record([corrected, hourly(gap)]);
      const read = await queryCandles(sql, { ...BTC, from: JAN, to: FEB, limit: 5_000 });
      expect(read).toHaveLength(31 * 24);
      expect(read[7]).toMatchObject({ close: 555, revision: 1 });
      expect(read[9]).toMatchObject({ openTime: gap, close: hourly(gap).close });

      const again = await archive();
      expect(again.files.map((f) => [f.month, f.rows])).toEqual([['2026-01', 31 * 24]]);
      const [second] = await listArchivedFiles(sql, { from: JAN, to: FEB });
      expect(second!.file).not.toBe(first!.file);
      await expect(stat(first!.file)).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await sqlRows(MAR)).toBe(0);
      expect(await queryCandles(sql, { ...BTC, from: JAN, to: FEB, limit: 5_000 })).toEqual(read);
    });

    it('archive - a damaged file is refused with MARKET_ARCHIVE_FILE_CORRUPT, a missing one with MARKET_ARCHIVE_FILE_MISSING', async () => {
      await record(hours(JAN, MAR));
      await archive();
      const [jan] = await listArchivedFiles(sql, { from: JAN, to: FEB });
      const query = { ...BTC, from: JAN, to: FEB, limit: 5_000 };
      expect(await queryCandles(sql, query)).toHaveLength(31 * 24);

      // One byte changed inside the data, same size: it would still parse, with a wrong number.
      const bytes = await readFile(jan!.file);
      bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
      await writeFile(jan!.file, bytes);
      await utimes(jan!.file, new Date(), new Date(Date.now() + 60_000));
      await expect(queryCandles(sql, query)).rejects.toMatchObject({
        code: 'MARKET_ARCHIVE_FILE_CORRUPT',
        details: expect.objectContaining({ file: jan!.file, expected: jan!.fileSha256 }),
      });
      // A truncated one is refused before it is read.
      await writeFile(jan!.file, bytes.subarray(0, 100));
      await expect(queryCandles(sql, query)).rejects.toMatchObject({ code: 'MARKET_ARCHIVE_FILE_CORRUPT' });

      await rm(jan!.file);
      await expect(queryCandles(sql, query)).rejects.toMatchObject({
        code: 'MARKET_ARCHIVE_FILE_MISSING',
        details: expect.objectContaining({ file: jan!.file }),
      });
      // February's file is untouched and still read; SQL's months are not affected.
      expect(await queryCandles(sql, { ...BTC, from: FEB, to: MAR, limit: 5_000 })).toHaveLength(28 * 24);
    });
  });
}
