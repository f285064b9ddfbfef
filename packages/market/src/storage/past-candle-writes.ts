/**
 * @module A source's past written once (the simulator's history): closed candles inserted where
 * no row of their key is stored, and only for markets the store has never seen. A restart, a
 * second collector or a market recorded live keeps every row it has: nothing is rewritten.
 */
import type { Sql } from '@tickline/store';
import type { Candle } from '../port/market-message.ts';
import { CANDLE_COLUMNS, CANDLE_ROWS, writeCandleRows } from './candle-writes.ts';
import { touchSymbolsByCandles } from './symbol-writes.ts';

const INSERT_MISSING = `insert into market_candles (${CANDLE_COLUMNS})
${CANDLE_ROWS}
on conflict (exchange, symbol, interval, open_time) do nothing`;

/** What {@link writePastCandles} reports. */
export interface PastCandlesResult {
  /** The markets (of the ones asked) the store had not seen, whose past was written. */
  symbols: string[];
  /** Candle rows inserted. */
  candles: number;
}

/**
 * Writes the past `build` returns for the markets of `exchange` among `symbols` that
 * `market_symbols` does not list yet, in one transaction under a lock per exchange (two
 * collectors starting at once: the second finds the first one's markets and writes nothing).
 */
export async function writePastCandles(
  sql: Sql,
  exchange: string,
  symbols: readonly string[],
  build: (fresh: ReadonlySet<string>) => readonly Candle[],
): Promise<PastCandlesResult> {
  return sql.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock(hashtext('tickline.market-past.' || $1))", [exchange]);
    const { rows } = await tx.query<{ symbol: string }>(
      'select symbol from market_symbols where exchange = $1 and symbol = any($2::text[])',
      [exchange, [...symbols]],
    );
    const seen = new Set(rows.map((r) => r.symbol));
    const fresh = new Set(symbols.filter((s) => !seen.has(s)));
    if (fresh.size === 0) return { symbols: [], candles: 0 };
    const candles = build(fresh).filter((c) => c.exchange === exchange && fresh.has(c.symbol));
    const written = await writeCandleRows(
      tx,
      INSERT_MISSING,
      candles.map((candle) => ({ candle, closed: true })),
    );
    await touchSymbolsByCandles(tx, candles);
    return { symbols: [...fresh], candles: written };
  });
}
