/** @module The `history_downloads` rows (migration 0082): a user's download, its progress and cost. */
import type { HistoryDownload as HistoryDownloadJson } from '@tickline/protocol';
import type { SqlQueryable } from '@tickline/store';

export type DownloadStatus = 'running' | 'complete' | 'failed';

export interface HistoryDownloadRecord {
  id: string;
  userId: string;
  exchange: string;
  symbol: string;
  interval: string;
  fromMs: number;
  toMs: number;
  status: DownloadStatus;
  daysTotal: number;
  daysDone: number;
  venueDays: number;
  venueCalls: number;
  candles: number;
  error: { code: string; message: string } | null;
  createdAt: Date;
  updatedAt: Date;
}

type Row = Record<string, unknown>;

function recordFrom(r: Row): HistoryDownloadRecord {
  return {
    id: r.id as string,
    userId: r.user_id as string,
    exchange: r.exchange as string,
    symbol: r.symbol as string,
    interval: r.interval as string,
    fromMs: Number(r.from_ms),
    toMs: Number(r.to_ms),
    status: r.status as DownloadStatus,
    daysTotal: Number(r.days_total),
    daysDone: Number(r.days_done),
    venueDays: Number(r.venue_days),
    venueCalls: Number(r.venue_calls),
    candles: Number(r.candles),
    error: r.error_code ? { code: r.error_code as string, message: String(r.error_message) } : null,
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
  };
}

/** The wire form (`HistoryDownloadSchema`). */
export function downloadJson(d: HistoryDownloadRecord): HistoryDownloadJson {
  return {
    id: d.id,
    venue: d.exchange,
    symbol: d.symbol,
    interval: d.interval,
    from: new Date(d.fromMs).toISOString(),
    to: new Date(d.toMs).toISOString(),
    status: d.status,
    daysTotal: d.daysTotal,
    daysDone: d.daysDone,
    venueDays: d.venueDays,
    venueCalls: d.venueCalls,
    candles: d.candles,
    error: d.error,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

export async function insertDownload(
  sql: SqlQueryable,
  d: Omit<HistoryDownloadRecord, 'venueDays' | 'venueCalls' | 'error' | 'updatedAt'>,
): Promise<HistoryDownloadRecord> {
  const { rows } = await sql.query<Row>(
    `insert into history_downloads (id, user_id, exchange, symbol, interval, from_ms, to_ms, status,
       days_total, days_done, candles, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) returning *`,
    [
      d.id,
      d.userId,
      d.exchange,
      d.symbol,
      d.interval,
      d.fromMs,
      d.toMs,
      d.status,
      d.daysTotal,
      d.daysDone,
      d.candles,
      d.createdAt,
    ],
  );
  return recordFrom(rows[0]!);
}

/** Moves a download on: adds to its counters, sets status, candles and error when given. */
export async function advanceDownload(
  sql: SqlQueryable,
  id: string,
  change: {
    days?: number;
    venueDays?: number;
    venueCalls?: number;
    candles?: number;
    status?: DownloadStatus;
    error?: { code: string; message: string } | null;
    now: Date;
  },
): Promise<HistoryDownloadRecord> {
  const { rows } = await sql.query<Row>(
    `update history_downloads set
       days_done = days_done + $2, venue_days = venue_days + $3, venue_calls = venue_calls + $4,
       candles = coalesce($5, candles), status = coalesce($6, status),
       error_code = case when $7::boolean then $8 else error_code end,
       error_message = case when $7::boolean then $9 else error_message end,
       updated_at = $10
     where id = $1 returning *`,
    [
      id,
      change.days ?? 0,
      change.venueDays ?? 0,
      change.venueCalls ?? 0,
      change.candles ?? null,
      change.status ?? null,
      change.error !== undefined,
      change.error?.code ?? null,
      change.error?.message ?? null,
      change.now,
    ],
  );
  return recordFrom(rows[0]!);
}

/** Restarts a failed or interrupted download from its first day (covered days are skipped). */
export async function restartDownload(
  sql: SqlQueryable,
  id: string,
  now: Date,
): Promise<HistoryDownloadRecord> {
  const { rows } = await sql.query<Row>(
    `update history_downloads set status = 'running', days_done = 0, error_code = null,
       error_message = null, updated_at = $2 where id = $1 returning *`,
    [id, now],
  );
  return recordFrom(rows[0]!);
}

export async function findDownload(
  sql: SqlQueryable,
  userId: string,
  id: string,
): Promise<HistoryDownloadRecord | null> {
  const { rows } = await sql.query<Row>('select * from history_downloads where id = $1 and user_id = $2', [
    id,
    userId,
  ]);
  return rows[0] ? recordFrom(rows[0]) : null;
}

export async function listDownloads(
  sql: SqlQueryable,
  userId: string,
  limit: number,
): Promise<HistoryDownloadRecord[]> {
  const { rows } = await sql.query<Row>(
    'select * from history_downloads where user_id = $1 order by created_at desc limit $2',
    [userId, limit],
  );
  return rows.map(recordFrom);
}

export async function runningDownloads(sql: SqlQueryable): Promise<HistoryDownloadRecord[]> {
  const { rows } = await sql.query<Row>(
    "select * from history_downloads where status = 'running' order by created_at",
  );
  return rows.map(recordFrom);
}

/** Venue days the user's downloads used since `sinceMs`, plus what running ones may still need. */
export async function venueDaysUsed(sql: SqlQueryable, userId: string, since: Date): Promise<number> {
  const { rows } = await sql.query<{ used: string | number | null }>(
    `select coalesce(sum(venue_days + case when status = 'running' then days_total - days_done else 0 end), 0) as used
     from history_downloads where user_id = $1 and (created_at >= $2 or status = 'running')`,
    [userId, since],
  );
  return Number(rows[0]?.used ?? 0);
}

/** Candles of one series held in `[fromMs, toMs)` (imported history; downloads write there). */
export async function heldCandles(
  sql: SqlQueryable,
  q: { exchange: string; symbol: string; interval: string; fromMs: number; toMs: number },
): Promise<number> {
  const { rows } = await sql.query<{ n: string | number }>(
    `select count(*) as n from market_candle_history
     where exchange = $1 and symbol = $2 and interval = $3 and open_time >= $4 and open_time < $5`,
    [q.exchange, q.symbol, q.interval, q.fromMs, q.toMs],
  );
  return Number(rows[0]?.n ?? 0);
}

/** One series of imported history: what the forms open on. */
export interface HeldSeries {
  exchange: string;
  symbol: string;
  interval: string;
  firstOpen: number;
  lastOpen: number;
  candles: number;
}

/** Every series of imported history (downloads, uploads, shipped), most candles first. */
export async function heldSeries(sql: SqlQueryable, limit: number): Promise<HeldSeries[]> {
  const { rows } = await sql.query<Row>(
    `select exchange, symbol, interval, min(open_time) as first_open, max(open_time) as last_open, count(*) as n
     from market_candle_history group by exchange, symbol, interval order by n desc, symbol, interval limit $1`,
    [limit],
  );
  return rows.map((r) => ({
    exchange: r.exchange as string,
    symbol: r.symbol as string,
    interval: r.interval as string,
    firstOpen: Number(r.first_open),
    lastOpen: Number(r.last_open),
    candles: Number(r.n),
  }));
}
