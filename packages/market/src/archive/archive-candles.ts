/**
 * @module The archive step: recorded candles (`market_candles`) of every month that ended more
 * than `afterMs` ago are written to one Parquet file per exchange, symbol, interval and month,
 * the file is read back and checked (row count and the rows' checksum), recorded in the catalogue,
 * and only then are the rows deleted from SQL — all in one transaction per file, so a failure at
 * any point leaves the rows in SQL. A month archived already and written to again since (a late
 * backfill) is archived anew: the old file's rows and the new ones together, SQL's winning a key.
 */
import { mkdir, rename, rm, writeFile, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from '@tickline/kernel';
import type { Sql, SqlTx } from '@tickline/store';
import { MarketError } from '../port/errors.ts';
import type { CandleInterval } from '../port/market-message.ts';
import { storedCandleOf, type CandleRow, type StoredCandle } from '../storage/candle-types.ts';
import { CANDLE_COLUMNS } from '../storage/candle-writes.ts';
import { listArchivedFiles, recordArchivedFile, type ArchivedFile } from './archive-catalogue.ts';
import { decodeArchiveFile, encodeArchiveFile, rowsSha256, sha256Hex } from './archive-file.ts';
import { readArchivedFile } from './archive-reads.ts';

const DAY_MS = 86_400_000;

/** Options for {@link archiveOldCandles}. */
export interface ArchiveCandlesOptions {
  /** Where the files go (created when missing); stored absolute in the catalogue. */
  dir: string;
  /** A month is archived once it ended more than this long ago. */
  afterMs: number;
  /** One info line per file archived. @default none */
  logger?: Logger;
  /** Stops between files when aborted (the scheduler stopping). */
  signal?: AbortSignal;
}

/** One file written by a pass. */
export interface ArchivedPartition {
  exchange: string;
  symbol: string;
  interval: CandleInterval;
  /** `YYYY-MM` (UTC). */
  month: string;
  file: string;
  rows: number;
  sqlBytes: number;
  fileBytes: number;
}

/** What one pass did. */
export interface ArchiveCandlesResult {
  files: ArchivedPartition[];
  rows: number;
  sqlBytes: number;
  fileBytes: number;
}

/** The first instant (UTC) of the month holding `ms`. */
export function monthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

const nextMonth = (ms: number): number => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};
const monthName = (ms: number): string => new Date(ms).toISOString().slice(0, 7);

/** `afterDays` as the archiver's age; the option's own check. */
export function archiveAfterMs(afterDays: number): number {
  if (!Number.isInteger(afterDays) || afterDays < 1)
    throw new RangeError('archive afterDays must be a whole number ≥ 1');
  return afterDays * DAY_MS;
}

interface GroupRow {
  exchange: string;
  symbol: string;
  interval: CandleInterval;
  month_ms: number | string;
}

interface RowWithSize extends CandleRow {
  bytes: number | string;
}

/** `{dir}/{exchange}/{symbol}/{interval}/{YYYY-MM}.{sha8}.parquet`: a new name per content. */
function filePath(dir: string, group: GroupRow, month: number, sha: string): string {
  const safe = (part: string) => encodeURIComponent(part);
  return join(
    dir,
    safe(group.exchange),
    safe(group.symbol),
    safe(group.interval),
    `${monthName(month)}.${sha.slice(0, 12)}.parquet`,
  );
}

/**
 * Archives every month of recorded candles that ended more than `afterMs` before `nowMs`.
 * @throws MarketError MARKET_ARCHIVE_VERIFY_FAILED when a file does not read back as written
 * (its rows stay in SQL); MARKET_ARCHIVE_FILE_MISSING / _CORRUPT when a month archived before
 * must be re-archived and its file is gone or damaged.
 * @example
 * await archiveOldCandles(sql, Date.now(), { dir: '/data/archive/market', afterMs: 90 * 86_400_000 });
 */
export async function archiveOldCandles(
  sql: Sql,
  nowMs: number,
  options: ArchiveCandlesOptions,
): Promise<ArchiveCandlesResult> {
  const dir = resolve(options.dir);
  const cutoff = monthStart(nowMs - options.afterMs);
  const { rows: groups } = await sql.query<GroupRow>(
    `select exchange, symbol, interval,
       extract(epoch from date_trunc('month', open_time at time zone 'UTC') at time zone 'UTC') * 1000 as month_ms
     from market_candles where open_time < $1
     group by 1, 2, 3, 4 order by 4, 1, 2, 3`,
    [new Date(cutoff)],
  );
  const result: ArchiveCandlesResult = { files: [], rows: 0, sqlBytes: 0, fileBytes: 0 };
  for (const group of groups) {
    if (options.signal?.aborted) break;
    const done = await archiveMonth(sql, dir, group, Number(group.month_ms));
    if (!done) continue;
    result.files.push(done);
    result.rows += done.rows;
    result.sqlBytes += done.sqlBytes;
    result.fileBytes += done.fileBytes;
    options.logger?.info({ ...done }, 'candles archived');
  }
  return result;
}

async function archiveMonth(
  sql: Sql,
  dir: string,
  group: GroupRow,
  month: number,
): Promise<ArchivedPartition | undefined> {
  const rangeTo = nextMonth(month);
  let written: string | undefined;
  let replaced: string | undefined;
  try {
    const done = await sql.transaction(async (tx) => {
      // Locked: a candle rewritten meanwhile waits, so what is deleted is what was written.
      const { rows } = await tx.query<RowWithSize>(
        `select ${CANDLE_COLUMNS}, pg_column_size(c.*) as bytes from market_candles c
         where exchange = $1 and symbol = $2 and interval = $3 and open_time >= $4 and open_time < $5
         order by open_time for update`,
        [group.exchange, group.symbol, group.interval, new Date(month), new Date(rangeTo)],
      );
      if (rows.length === 0) return undefined;
      const fresh = rows.map(storedCandleOf);
      const sqlBytes = rows.reduce((n, r) => n + Number(r.bytes), 0);
      const [before] = await listArchivedFiles(tx, {
        exchange: group.exchange,
        symbol: group.symbol,
        interval: group.interval,
        from: month,
        to: rangeTo,
      });
      const candles = before ? mergeMonth(await readArchivedFile(before), fresh) : fresh;
      const label = {
        exchange: group.exchange,
        symbol: group.symbol,
        interval: group.interval,
        rangeFrom: month,
        rangeTo,
      };
      const bytes = encodeArchiveFile(candles, label);
      const fileSha256 = sha256Hex(bytes);
      const file = filePath(dir, group, month, fileSha256);
      written = await writeNewFile(file, bytes);
      const expected = rowsSha256(candles);
      await verifyWritten(file, candles.length, expected);
      const entry: Omit<ArchivedFile, 'archivedAt'> = {
        ...label,
        firstOpen: candles[0]!.openTime,
        lastOpen: candles[candles.length - 1]!.openTime,
        file,
        rows: candles.length,
        sqlBytes: sqlBytes + (before?.sqlBytes ?? 0),
        fileBytes: bytes.byteLength,
        fileSha256,
        rowsSha256: expected,
      };
      await recordArchivedFile(tx, entry);
      await deleteArchived(tx, group, month, rangeTo, fresh);
      if (before && before.file !== file) replaced = before.file;
      const partition: ArchivedPartition = {
        exchange: group.exchange,
        symbol: group.symbol,
        interval: group.interval,
        month: monthName(month),
        file,
        rows: candles.length,
        sqlBytes,
        fileBytes: bytes.byteLength,
      };
      return partition;
    });
    written = undefined; // committed: the file is the catalogue's now
    if (replaced) await rm(replaced, { force: true });
    return done;
  } finally {
    // Rolled back: a file no catalogue row names is removed (its rows are still in SQL).
    if (written) await rm(written, { force: true });
  }
}

/** The month's archived candles with the ones SQL holds now; SQL's win a shared key. */
function mergeMonth(archived: readonly StoredCandle[], fresh: readonly StoredCandle[]): StoredCandle[] {
  const key = (c: StoredCandle) => c.openTime;
  const inSql = new Set(fresh.map(key));
  return [...archived.filter((c) => !inSql.has(key(c))), ...fresh].sort((a, b) => a.openTime - b.openTime);
}

/** Writes through a temporary name, so a crash never leaves a half file under the final one. */
async function writeNewFile(file: string, bytes: Uint8Array): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  await writeFile(temporary, bytes, { flush: true });
  await rename(temporary, file);
  return file;
}

/** Reads the file back from disk and compares what it gives with what was meant. */
async function verifyWritten(file: string, rows: number, rowsSha: string): Promise<void> {
  const back = await decodeArchiveFile(await readFile(file));
  const actual = rowsSha256(back);
  if (back.length !== rows || actual !== rowsSha) {
    throw new MarketError(
      'MARKET_ARCHIVE_VERIFY_FAILED',
      `archived candles ${file} do not read back as written`,
      {
        details: { file, expectedRows: rows, actualRows: back.length, expected: rowsSha, actual },
      },
    );
  }
}

/** Deletes exactly the rows archived (locked above); any other count rolls the month back. */
async function deleteArchived(
  tx: SqlTx,
  group: GroupRow,
  from: number,
  to: number,
  rows: readonly StoredCandle[],
): Promise<void> {
  const { rowCount } = await tx.query(
    `delete from market_candles where exchange = $1 and symbol = $2 and interval = $3
       and open_time >= $4 and open_time < $5
       and open_time = any (select to_timestamp(ms / 1000.0) from unnest($6::float8[]) as ms)`,
    [group.exchange, group.symbol, group.interval, new Date(from), new Date(to), rows.map((c) => c.openTime)],
  );
  if (rowCount !== rows.length) {
    throw new MarketError(
      'MARKET_ARCHIVE_VERIFY_FAILED',
      `archiving ${group.symbol} ${group.interval} deleted ${rowCount} rows, ${rows.length} archived`,
      {
        details: {
          exchange: group.exchange,
          symbol: group.symbol,
          interval: group.interval,
          expectedRows: rows.length,
          actualRows: rowCount,
        },
      },
    );
  }
}
