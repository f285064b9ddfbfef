/**
 * @module The conditional writes of the market projections: the candle upsert (a later state
 * replaces an earlier one, an older state never replaces a newer one) and the `market_symbols`
 * upkeep. Rows are merged per key in JS first, because one `INSERT … ON CONFLICT DO UPDATE` may
 * not touch a row twice, and sorted by key, so concurrent projections lock rows in one order.
 * Times travel as epoch-ms float8 arrays and become timestamptz in SQL (`to_timestamp`): parsing
 * timestamp text made the statement ~2.5× slower on PGlite. The imported history's upsert
 * (candle-history.ts) is built from the same pieces.
 */
import { DEFAULT_INSERT_CHUNK_ROWS, type SqlQueryable, type SqlValue } from '@tickline/store';
import type { Candle } from '../port/market-message.ts';

/** A candle state to store: forming (`market.candle.updated`) or closed. */
export interface CandleWrite {
  candle: Candle;
  closed: boolean;
}

/**
 * Whether `next` may replace `current` (same key). A forming candle follows the log order; a
 * closed one is only replaced by a close of the same or a later revision (a correction).
 */
export function supersedes(next: CandleWrite, current: CandleWrite): boolean {
  if (!current.closed) return true;
  return next.closed && next.candle.revision >= current.candle.revision;
}

/** The columns of a candle row, in the order {@link CANDLE_ROWS} yields them. */
export const CANDLE_COLUMNS = `exchange, symbol, interval, open_time, close_time,
  open, high, low, close, volume, quote_volume, trades, incomplete, closed, revision, updated_at`;

/** The rows of {@link candleParams} ($1–$15) as a `select`, written now. */
export const CANDLE_ROWS = `select e, s, i, to_timestamp(ot / 1000.0), to_timestamp(ct / 1000.0), o, h, l, c, v, qv, n, inc, cl, rev, now()
from unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::float8[],
  $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::int4[], $13::bool[], $14::bool[], $15::int4[])
  as u(e, s, i, ot, ct, o, h, l, c, v, qv, n, inc, cl, rev)`;

/** `on conflict … do update set` every column but the key: the new row (`excluded`) replaces the stored one. */
export const CANDLE_REPLACE = `close_time = excluded.close_time, open = excluded.open, high = excluded.high, low = excluded.low,
  close = excluded.close, volume = excluded.volume, quote_volume = excluded.quote_volume,
  trades = excluded.trades, incomplete = excluded.incomplete, closed = excluded.closed,
  revision = excluded.revision, updated_at = excluded.updated_at`;

// The same rule as `supersedes`, for the stored row: c is the row, excluded the new state.
const UPSERT_CANDLES = `insert into market_candles as c (${CANDLE_COLUMNS})
${CANDLE_ROWS}
on conflict (exchange, symbol, interval, open_time) do update set ${CANDLE_REPLACE}
where not c.closed or (excluded.closed and excluded.revision >= c.revision)`;

export function byKey<T>(items: Iterable<[string, T]>): T[] {
  return [...items].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);
}

/** One candle state per key (the one `supersedes` keeps, in batch order), sorted by key. */
function latestByKey(writes: readonly CandleWrite[]): CandleWrite[] {
  const latest = new Map<string, CandleWrite>();
  for (const write of writes) {
    const c = write.candle;
    const key = `${c.exchange}\u0000${c.symbol}\u0000${c.interval}\u0000${c.openTime}`;
    const current = latest.get(key);
    if (!current || supersedes(write, current)) latest.set(key, write);
  }
  return byKey(latest.entries());
}

/** The fifteen column arrays of {@link CANDLE_ROWS}. */
function candleParams(chunk: readonly CandleWrite[]): SqlValue[] {
  const column = <T>(pick: (w: CandleWrite) => T): T[] => chunk.map(pick);
  return [
    column((w) => w.candle.exchange),
    column((w) => w.candle.symbol),
    column((w) => w.candle.interval),
    column((w) => w.candle.openTime),
    column((w) => w.candle.closeTime),
    column((w) => w.candle.open),
    column((w) => w.candle.high),
    column((w) => w.candle.low),
    column((w) => w.candle.close),
    column((w) => w.candle.volume),
    column((w) => w.candle.quoteVolume),
    column((w) => w.candle.trades),
    column((w) => w.candle.incomplete),
    column((w) => w.closed),
    column((w) => w.candle.revision),
  ];
}

/**
 * Runs `statement` (an upsert over {@link CANDLE_ROWS}, `extra` from $16 on) over the writes
 * merged per key, a chunk of rows at a time; returns the rows inserted or replaced.
 */
export async function writeCandleRows(
  tx: SqlQueryable,
  statement: string,
  writes: readonly CandleWrite[],
  extra: readonly SqlValue[] = [],
): Promise<number> {
  const merged = latestByKey(writes);
  let written = 0;
  for (let start = 0; start < merged.length; start += DEFAULT_INSERT_CHUNK_ROWS) {
    const chunk = merged.slice(start, start + DEFAULT_INSERT_CHUNK_ROWS);
    written += (await tx.query(statement, [...candleParams(chunk), ...extra])).rowCount;
  }
  return written;
}

/** Upserts candle states in batch order; returns the rows inserted or replaced. */
export async function upsertCandles(tx: SqlQueryable, writes: readonly CandleWrite[]): Promise<number> {
  return writeCandleRows(tx, UPSERT_CANDLES, writes);
}
