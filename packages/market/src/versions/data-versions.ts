/**
 * @module Data versions of the stored candles (`market_data_versions`, migrations 0093 and 0105):
 * every import, upload chunk, download and deletion of candles, every corporate action stored, and
 * every batch of recorded candles a collector corrected after their close, is one version; reads
 * can ask for the candles "as of" a version or a time, and a backtest pins the version it read
 * (docs/market-data.md, "Data versions").
 */
import type { SqlQueryable, SqlValue } from '@tickline/store';

/** What made a version. */
export const DataVersionKind = {
  Import: 'import',
  Upload: 'upload',
  Download: 'download',
  Delete: 'delete',
  CorporateActions: 'corporate-actions',
  /**
   * Recorded candles (`market_candles`) a collector rewrote with other values once closed: a late
   * trade, a REST backfill after a gap, a venue's revised bar (storage/candle-writes.ts).
   */
  Correction: 'correction',
} as const;
export type DataVersionKind = (typeof DataVersionKind)[keyof typeof DataVersionKind];

/** One version as the markets API lists it. */
export interface DataVersion {
  id: number;
  exchange: string | null;
  symbol: string;
  /** Null when the change spans several intervals (a download stores every roll-up) or none. */
  interval: string | null;
  kind: DataVersionKind;
  /**
   * Who or what wrote it: `upload:{id}`, `download:{venue}`, `import`, `alpaca`, and for a
   * correction `collector:{venue}` (a late trade, a venue's revised bar) or `backfill:{venue}`.
   */
  source: string;
  /** Open times (ms) of the first and last candle it changed; null for corporate actions. */
  firstOpen: number | null;
  lastOpen: number | null;
  /** Candles written or deleted (actions stored, for corporate actions). */
  changed: number;
  createdAt: number;
}

/** What a version is opened for. */
export interface OpenDataVersionOptions {
  symbol: string;
  exchange?: string | null;
  interval?: string | null;
  kind: DataVersionKind;
  source: string;
}

/** Inserts a version row in `tx` and returns its id (the caller's writes carry it). */
export async function openDataVersion(tx: SqlQueryable, options: OpenDataVersionOptions): Promise<number> {
  const { rows } = await tx.query<{ id: number | string }>(
    `insert into market_data_versions (exchange, symbol, interval, kind, source)
     values ($1, $2, $3, $4, $5) returning id`,
    [options.exchange ?? null, options.symbol, options.interval ?? null, options.kind, options.source],
  );
  return Number(rows[0]!.id);
}

/**
 * Records what version `id` changed (counted from the rows that carry it) and drops it when it
 * changed nothing (a chunk sent twice, an import of the same values): the list then shows real
 * changes only. Returns the rows changed.
 */
export async function closeDataVersion(
  tx: SqlQueryable,
  id: number,
  changed?: { count: number; firstOpen: number | null; lastOpen: number | null },
): Promise<number> {
  const counted =
    changed ??
    (
      await tx.query<{ n: number | string; first: Date | null; last: Date | null }>(
        // `data_version > 0` lets a generic plan use the partial index (0093) on the version.
        `select count(*) as n, min(open_time) as first, max(open_time) as last
           from market_candle_history where data_version = $1 and data_version > 0`,
        [id],
      )
    ).rows.map((r) => ({
      count: Number(r.n),
      firstOpen: r.first?.getTime() ?? null,
      lastOpen: r.last?.getTime() ?? null,
    }))[0]!;
  if (counted.count === 0) {
    await tx.query('delete from market_data_versions where id = $1', [id]);
    return 0;
  }
  await tx.query(
    'update market_data_versions set changed = $2, first_open = $3, last_open = $4 where id = $1',
    [id, counted.count, counted.firstOpen, counted.lastOpen],
  );
  return counted.count;
}

interface VersionRow {
  id: number | string;
  exchange: string | null;
  symbol: string;
  interval: string | null;
  kind: DataVersionKind;
  source: string;
  first_open: number | string | null;
  last_open: number | string | null;
  changed: number;
  created_at: Date;
}

const versionFrom = (r: VersionRow): DataVersion => ({
  id: Number(r.id),
  exchange: r.exchange,
  symbol: r.symbol,
  interval: r.interval,
  kind: r.kind,
  source: r.source,
  firstOpen: r.first_open === null ? null : Number(r.first_open),
  lastOpen: r.last_open === null ? null : Number(r.last_open),
  changed: r.changed,
  createdAt: r.created_at.getTime(),
});

/** Which versions {@link listDataVersions} and {@link versionsAfter} look at. */
export interface DataVersionQuery {
  symbol: string;
  /** Versions of this interval, and those spanning every interval (null), and corporate actions. */
  interval?: string;
  /** Only versions that changed candles opening in `[from, to)` (corporate actions always count). */
  from?: number;
  to?: number;
  /** @default 100 */
  limit?: number;
}

function versionFilter(query: DataVersionQuery, params: SqlValue[]): string {
  const where = ['symbol = $1'];
  params.push(query.symbol);
  if (query.interval !== undefined) {
    params.push(query.interval);
    where.push(`(interval is null or interval = $${params.length})`);
  }
  if (query.from !== undefined) {
    params.push(query.from);
    where.push(`(last_open is null or last_open >= $${params.length})`);
  }
  if (query.to !== undefined) {
    params.push(query.to);
    where.push(`(first_open is null or first_open < $${params.length})`);
  }
  return where.join(' and ');
}

/** A symbol's versions, newest first. */
export async function listDataVersions(sql: SqlQueryable, query: DataVersionQuery): Promise<DataVersion[]> {
  const params: SqlValue[] = [];
  const where = versionFilter(query, params);
  params.push(Math.min(1_000, Math.max(1, query.limit ?? 100)));
  const { rows } = await sql.query<VersionRow>(
    `select * from market_data_versions where ${where} order by id desc limit $${params.length}`,
    params,
  );
  return rows.map(versionFrom);
}

/** The versions after `version` that touched what `query` names, oldest first ("changed since"). */
export async function versionsAfter(
  sql: SqlQueryable,
  query: DataVersionQuery,
  version: number,
): Promise<DataVersion[]> {
  const params: SqlValue[] = [];
  const where = versionFilter(query, params);
  params.push(version);
  const { rows } = await sql.query<VersionRow>(
    `select * from market_data_versions where ${where} and id > $${params.length} order by id limit 100`,
    params,
  );
  return rows.map(versionFrom);
}

/**
 * Whether `symbol`'s history or actions changed after `version`. Every change makes a version of
 * its symbol, so when none did, the current rows are the history as of `version`: a pinned read
 * can take the plain (faster) path.
 */
export async function changedAfter(sql: SqlQueryable, symbol: string, version: number): Promise<boolean> {
  const { rows } = await sql.query<{ changed: boolean }>(
    'select exists (select 1 from market_data_versions where symbol = $1 and id > $2) as changed',
    [symbol, version],
  );
  return rows[0]?.changed === true;
}

/** The newest version committed (0 before any): what a read that pins its data pins. */
export async function latestDataVersion(sql: SqlQueryable): Promise<number> {
  const { rows } = await sql.query<{ id: number | string | null }>('select max(id) as id from market_data_versions');
  return Number(rows[0]?.id ?? 0);
}

/** The newest version created at or before `timeMs` (0 before any): an "as of a time" read. */
export async function dataVersionAt(sql: SqlQueryable, timeMs: number): Promise<number> {
  const { rows } = await sql.query<{ id: number | string | null }>(
    // Times are read back in ms while PostgreSQL keeps µs: a version made within the ms counts.
    "select max(id) as id from market_data_versions where created_at < $1::timestamptz + interval '1 millisecond'",
    [new Date(timeMs)],
  );
  return Number(rows[0]?.id ?? 0);
}
