/**
 * @module `market_symbols` upkeep by the trade and candle projections: first and last time seen,
 * last trade price. Merged per market in JS and sorted, like the candle upsert (candle-writes.ts).
 */
import type { SqlQueryable } from '@tickline/store';
import type { Candle } from '../port/market-message.ts';
import { byKey } from './candle-writes.ts';

/** A market seen at `timeMs` (a trade's time, or a candle's open time). */
export interface SymbolTouch {
  exchange: string;
  symbol: string;
  timeMs: number;
  price: number;
}

const TOUCH_BY_TRADE = `insert into market_symbols as s (exchange, symbol, first_seen_at, last_trade_at, last_price)
select e, sym, to_timestamp(f / 1000.0), to_timestamp(l / 1000.0), p from unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::float8[])
  as u(e, sym, f, l, p)
on conflict (exchange, symbol) do update set
  first_seen_at = least(s.first_seen_at, excluded.first_seen_at),
  last_price = case when s.last_trade_at is null or excluded.last_trade_at > s.last_trade_at
    then excluded.last_price else s.last_price end,
  last_trade_at = greatest(s.last_trade_at, excluded.last_trade_at)`;

const TOUCH_BY_CANDLE = `insert into market_symbols as s (exchange, symbol, first_seen_at, last_candle_at)
select e, sym, to_timestamp(f / 1000.0), to_timestamp(l / 1000.0) from unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::float8[])
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
    rows.map((r) => r.first),
    rows.map((r) => r.last),
    rows.map((r) => r.price),
  ]);
}

/** {@link touchSymbols} for candles: each market seen at its candles' open times. */
export async function touchSymbolsByCandles(tx: SqlQueryable, candles: readonly Candle[]): Promise<void> {
  await touchSymbols(
    tx,
    candles.map((c) => ({ exchange: c.exchange, symbol: c.symbol, timeMs: c.openTime, price: c.close })),
    'candle',
  );
}
