/**
 * @module The archive's catalogue (`market_archive_files`, migration 0099): one row per archived
 * exchange, symbol, interval and month — where its file is, how many rows, the bytes they took in
 * SQL and take on disk, and the checksums. Reads ask it which files cover a range; the API and the
 * CLI list it with the size saved.
 */
import type { SqlQueryable, SqlValue } from '@tickline/store';
import type { CandleInterval } from '../port/market-message.ts';

/** One archived month of one series. Times are epoch ms. */
export interface ArchivedFile {
  exchange: string;
  symbol: string;
  interval: CandleInterval;
  rangeFrom: number;
  rangeTo: number;
  firstOpen: number;
  lastOpen: number;
  /** Absolute path. */
  file: string;
  rows: number;
  /** The rows' size in SQL before they were archived (pg_column_size; indexes not counted). */
  sqlBytes: number;
  fileBytes: number;
  fileSha256: string;
  rowsSha256: string;
  archivedAt: number;
}

interface CatalogueRow {
  exchange: string;
  symbol: string;
  interval: CandleInterval;
  range_from: Date;
  range_to: Date;
  first_open: Date;
  last_open: Date;
  file: string;
  rows: number;
  sql_bytes: number | string;
  file_bytes: number | string;
  file_sha256: string;
  rows_sha256: string;
  archived_at: Date;
}

const fromRow = (r: CatalogueRow): ArchivedFile => ({
  exchange: r.exchange,
  symbol: r.symbol,
  interval: r.interval,
  rangeFrom: r.range_from.getTime(),
  rangeTo: r.range_to.getTime(),
  firstOpen: r.first_open.getTime(),
  lastOpen: r.last_open.getTime(),
  file: r.file,
  rows: r.rows,
  sqlBytes: Number(r.sql_bytes),
  fileBytes: Number(r.file_bytes),
  fileSha256: r.file_sha256,
  rowsSha256: r.rows_sha256,
  archivedAt: r.archived_at.getTime(),
});

/** Records (or replaces, when a month is archived again with rows that came later) one file. */
export async function recordArchivedFile(
  tx: SqlQueryable,
  f: Omit<ArchivedFile, 'archivedAt'>,
): Promise<void> {
  await tx.query(
    `insert into market_archive_files (exchange, symbol, interval, range_from, range_to, first_open, last_open,
       file, rows, sql_bytes, file_bytes, file_sha256, rows_sha256)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     on conflict (exchange, symbol, interval, range_from) do update set range_to = excluded.range_to,
       first_open = excluded.first_open, last_open = excluded.last_open, file = excluded.file,
       rows = excluded.rows, sql_bytes = excluded.sql_bytes, file_bytes = excluded.file_bytes,
       file_sha256 = excluded.file_sha256, rows_sha256 = excluded.rows_sha256, archived_at = now()`,
    [
      f.exchange,
      f.symbol,
      f.interval,
      new Date(f.rangeFrom),
      new Date(f.rangeTo),
      new Date(f.firstOpen),
      new Date(f.lastOpen),
      f.file,
      f.rows,
      f.sqlBytes,
      f.fileBytes,
      f.fileSha256,
      f.rowsSha256,
    ],
  );
}

/** Which files {@link listArchivedFiles} returns. */
export interface ArchivedFileQuery {
  symbol?: string;
  interval?: string;
  exchange?: string;
  /** Files whose month ends after this open time (ms). */
  from?: number;
  /** Files whose month starts before this open time (ms). */
  to?: number;
  /** Newest month first (a "latest candles" read walks back from `to`). @default false */
  newestFirst?: boolean;
}

/** The catalogue rows matching `query`, by month then exchange. */
export async function listArchivedFiles(
  sql: SqlQueryable,
  query: ArchivedFileQuery = {},
): Promise<ArchivedFile[]> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  const add = (condition: string, value: SqlValue) => {
    params.push(value);
    where.push(condition.replace('?', `$${params.length}`));
  };
  if (query.symbol !== undefined) add('symbol = ?', query.symbol);
  if (query.interval !== undefined) add('interval = ?', query.interval);
  if (query.exchange !== undefined) add('exchange = ?', query.exchange);
  if (query.from !== undefined) add('range_to > ?', new Date(query.from));
  if (query.to !== undefined) add('range_from < ?', new Date(query.to));
  const direction = query.newestFirst ? 'desc' : 'asc';
  const { rows } = await sql.query<CatalogueRow>(
    `select * from market_archive_files ${where.length ? `where ${where.join(' and ')}` : ''}
     order by range_from ${direction}, symbol, interval, exchange`,
    params,
  );
  return rows.map(fromRow);
}

/** What the archive holds and what it saved, over a list of files. */
export interface ArchiveTotals {
  files: number;
  rows: number;
  sqlBytes: number;
  fileBytes: number;
  /** `sqlBytes - fileBytes`: what SQL no longer holds, net of the files. */
  savedBytes: number;
}

/** Sums over every catalogue row. */
export function archiveTotals(files: readonly ArchivedFile[]): ArchiveTotals {
  const sum = (pick: (f: ArchivedFile) => number) => files.reduce((n, f) => n + pick(f), 0);
  const sqlBytes = sum((f) => f.sqlBytes);
  const fileBytes = sum((f) => f.fileBytes);
  return {
    files: files.length,
    rows: sum((f) => f.rows),
    sqlBytes,
    fileBytes,
    savedBytes: sqlBytes - fileBytes,
  };
}
