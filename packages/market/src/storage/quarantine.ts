/**
 * @module The quarantine: raw messages the collector rejected (validation reason or decode
 * failure), kept in `market_quarantine` for inspection. Writes are batched by the caller (the
 * collector buffers rejects and flushes them off the hot path).
 */
import { insertRows, type SqlQueryable, type SqlValue } from '@tickline/store';
import { clampLimit } from './queries.ts';

/** A rejected message to keep (the collector's `QuarantinedMessage` is this type). */
export interface QuarantineEntry {
  /** When it arrived (ms). */
  readonly receivedAt: number;
  /** The source that produced it (`binance-spot`, `simulator`). */
  readonly source: string;
  readonly exchange?: string;
  readonly symbol?: string;
  /** Why: a normalize `RejectReason` (`price_not_positive`) or another stable reason string. */
  readonly reason: string;
  readonly detail?: string;
  /** The raw message: any JSON value; a frame that was not JSON is kept as a string. */
  readonly payload?: unknown;
}

/** A stored entry, with its id. */
export interface StoredQuarantineEntry extends QuarantineEntry {
  readonly id: number;
}

/** Options for {@link queryQuarantine}. */
export interface QuarantineQuery {
  reason?: string;
  source?: string;
  /** Only entries received at or after this time (ms). */
  from?: number;
  /** @default 500, at most 5_000 */
  limit?: number;
}

const COLUMNS = {
  received_at: 'timestamptz',
  source: 'text',
  exchange: 'text',
  symbol: 'text',
  reason: 'text',
  detail: 'text',
  payload: 'jsonb',
} as const;

/** Stores `entries` in one statement per 5,000; returns how many were stored. */
export async function insertQuarantine(
  sql: SqlQueryable,
  entries: readonly QuarantineEntry[],
): Promise<number> {
  if (entries.length === 0) return 0;
  return insertRows(sql, {
    table: 'market_quarantine',
    columns: COLUMNS,
    onConflict: 'error',
    rows: entries.map((e) => ({
      received_at: new Date(e.receivedAt),
      source: e.source,
      exchange: e.exchange ?? null,
      symbol: e.symbol ?? null,
      reason: e.reason,
      detail: e.detail ?? null,
      // undefined is not JSON; keep "no payload" as SQL NULL.
      payload: e.payload === undefined ? null : e.payload,
    })),
  });
}

interface Row {
  id: number;
  received_at: Date;
  source: string;
  exchange: string | null;
  symbol: string | null;
  reason: string;
  detail: string | null;
  payload: unknown;
}

/** Quarantined messages, newest first. */
export async function queryQuarantine(
  sql: SqlQueryable,
  query: QuarantineQuery = {},
): Promise<StoredQuarantineEntry[]> {
  const conditions: string[] = [];
  const params: SqlValue[] = [];
  const add = (condition: string, value: SqlValue) => {
    params.push(value);
    conditions.push(`${condition} $${params.length}`);
  };
  if (query.reason !== undefined) add('reason =', query.reason);
  if (query.source !== undefined) add('source =', query.source);
  if (query.from !== undefined) add('received_at >=', new Date(query.from));
  params.push(clampLimit(query.limit));
  const where = conditions.length > 0 ? `where ${conditions.join(' and ')}` : '';
  const { rows } = await sql.query<Row>(
    `select id, received_at, source, exchange, symbol, reason, detail, payload from market_quarantine
     ${where} order by received_at desc, id desc limit $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    receivedAt: r.received_at.getTime(),
    source: r.source,
    reason: r.reason,
    ...(r.payload === null ? {} : { payload: r.payload }),
    ...(r.exchange === null ? {} : { exchange: r.exchange }),
    ...(r.symbol === null ? {} : { symbol: r.symbol }),
    ...(r.detail === null ? {} : { detail: r.detail }),
  }));
}
