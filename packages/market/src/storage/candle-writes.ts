/**
 * @module The conditional writes of the market projections: the candle upsert (a later state
 * replaces an earlier one, an older state never replaces a newer one) and the `market_symbols`
 * upkeep. Rows are merged per key in JS first, because one `INSERT … ON CONFLICT DO UPDATE` may
 * not touch a row twice, and sorted by key, so concurrent projections lock rows in one order.
 */
import { DEFAULT_INSERT_CHUNK_ROWS, type SqlQueryable } from '@tickline/store';
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

// The same rule as `supersedes`, for the stored row: c is the row, excluded the new state.
const UPSERT_CANDLES = `insert into market_candles as c (exchange, symbol, interval, open_time, close_time,
  open, high, low, close, volume, quote_volume, trades, incomplete, closed, revision, updated_at)
select u.*, now() from unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[],
  $6::float8[], $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::int4[],
  $13::bool[], $14::bool[], $15::int4[]) as u
on conflict (exchange, symbol, interval, open_time) do update set
  close_time = excluded.close_time, open = excluded.open, high = excluded.high, low = excluded.low,
  close = excluded.close, volume = excluded.volume, quote_volume = excluded.quote_volume,
  trades = excluded.trades, incomplete = excluded.incomplete, closed = excluded.closed,
  revision = excluded.revision, updated_at = excluded.updated_at
where not c.closed or (excluded.closed and excluded.revision >= c.revision)`;

function byKey<T>(items: Iterable<[string, T]>): T[] {
  return [...items].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);
}

/** Upserts candle states in batch order; returns the rows inserted or replaced. */
export async function upsertCandles(tx: SqlQueryable, writes: readonly CandleWrite[]): Promise<number> {
  const latest = new Map<string, CandleWrite>();
  for (const write of writes) {
    const c = write.candle;
    const key = `${c.exchange}\u0000${c.symbol}\u0000${c.interval}\u0000${c.openTime}`;
    const current = latest.get(key);
    if (!current || supersedes(write, current)) latest.set(key, write);
  }
  const merged = byKey(latest.entries());
  let written = 0;
  for (let start = 0; start < merged.length; start += DEFAULT_INSERT_CHUNK_ROWS) {
    const chunk = merged.slice(start, start + DEFAULT_INSERT_CHUNK_ROWS);
    const column = <T>(pick: (w: CandleWrite) => T): T[] => chunk.map(pick);
    const result = await tx.query(UPSERT_CANDLES, [
      column((w) => w.candle.exchange),
      column((w) => w.candle.symbol),
      column((w) => w.candle.interval),
      column((w) => new Date(w.candle.openTime)),
      column((w) => new Date(w.candle.closeTime)),
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
    ]);
    written += result.rowCount;
  }
  return written;
}

/** A market seen at `timeMs` (a trade's time, or a candle's open time). */
export interface SymbolTouch {
  exchange: string;
  symbol: string;
  timeMs: number;
  price: number;
}

const TOUCH_BY_TRADE = `insert into market_symbols as s (exchange, symbol, first_seen_at, last_trade_at, last_price)
select e, sym, f, l, p from unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::float8[])
  as u(e, sym, f, l, p)
on conflict (exchange, symbol) do update set
  first_seen_at = least(s.first_seen_at, excluded.first_seen_at),
  last_price = case when s.last_trade_at is null or excluded.last_trade_at > s.last_trade_at
    then excluded.last_price else s.last_price end,
  last_trade_at = greatest(s.last_trade_at, excluded.last_trade_at)`;

const TOUCH_BY_CANDLE = `insert into market_symbols as s (exchange, symbol, first_seen_at, last_candle_at)
select e, sym, f, l from unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::float8[])
  as u(e, sym, f, l, p)
on conflict (exchange, symbol) do update set
  first_seen_at = least(s.first_seen_at, excluded.first_seen_at),
  last_candle_at = greatest(s.last_candle_at, excluded.last_candle_at)`;

/**
 * Records the markets seen in a batch (first and last time, last trade price). The price moves only
 * for a strictly newer trade, so a re-sent trade (skipped by the trade key) cannot change it.
 */
export async function touchSymbols(
  tx: SqlQueryable,
  touches: readonly SymbolTouch[],
  by: 'trade' | 'candle',
): Promise<void> {
  const seen = new Map<
    string,
    { exchange: string; symbol: string; first: number; last: number; price: number }
  >();
  for (const t of touches) {
    const key = `${t.exchange}\u0000${t.symbol}`;
    const entry = seen.get(key);
    if (!entry)
      seen.set(key, {
        exchange: t.exchange,
        symbol: t.symbol,
        first: t.timeMs,
        last: t.timeMs,
        price: t.price,
      });
    else {
      entry.first = Math.min(entry.first, t.timeMs);
      if (t.timeMs >= entry.last) {
        entry.last = t.timeMs;
        entry.price = t.price;
      }
    }
  }
  if (seen.size === 0) return;
  const rows = byKey(seen.entries());
  await tx.query(by === 'trade' ? TOUCH_BY_TRADE : TOUCH_BY_CANDLE, [
    rows.map((r) => r.exchange),
    rows.map((r) => r.symbol),
    rows.map((r) => new Date(r.first)),
    rows.map((r) => new Date(r.last)),
    rows.map((r) => r.price),
  ]);
}
