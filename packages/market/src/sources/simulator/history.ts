/**
 * @module The simulator's recorded past: the closed candles its trade tape would have made before
 * the live feed begins. Pure and deterministic — the same tape config and live start give the same
 * candles — and built by the collector's own aggregator, so a history candle is exactly what live
 * collection would have stored for the same trades.
 */
import { CandleAggregator } from '../../candles/aggregator.ts';
import type { Candle, CandleInterval } from '../../port/market-message.ts';
import type { TapeConfig } from './config.ts';
import { tradeTape } from './tape.ts';

/** What {@link simulatedHistory} builds. */
export interface SimulatedHistoryOptions {
  /** The tape, whose `startTime` is where history begins (align it to a minute: see below). */
  tape: TapeConfig;
  /** Where history ends and the live feed begins (exclusive); trades at or after it are live. */
  liveStart: number;
  /** The intervals to build, as the collector aggregates them. */
  intervals: readonly CandleInterval[];
  /** Only these symbols. @default every symbol of the tape */
  symbols?: ReadonlySet<string>;
}

/**
 * The closed candles of the tape's trades before `liveStart`: every candle that opens at or after
 * the tape's start and closes at or before `liveStart`, so none is partial. A candle that spans
 * `liveStart` (the current minute's, once live starts between two minutes) is left to the live
 * aggregator, which opens it with the first live trade: history and live never write one key.
 */
export function simulatedHistory(options: SimulatedHistoryOptions): Candle[] {
  const { tape, liveStart, intervals, symbols } = options;
  // No corrections in a past built in order: no grace needed, and no per-trade updates.
  const aggregator = new CandleAggregator({ intervals, graceMs: 0, emitUpdates: false });
  const candles: Candle[] = [];
  const keep = (outputs: ReturnType<CandleAggregator['onTrade']>) => {
    for (const { type, candle } of outputs) {
      if (type !== 'closed' || candle.openTime < tape.startTime || candle.closeTime > liveStart) continue;
      candles.push(candle);
    }
  };
  for (const trade of tradeTape(tape)) {
    if (trade.exchangeTime >= liveStart) break;
    if (symbols && !symbols.has(trade.symbol)) continue;
    keep(aggregator.onTrade(trade));
  }
  keep(aggregator.advance(liveStart));
  return candles;
}
