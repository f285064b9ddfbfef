/**
 * @module The interval whose bars fill a live run's order of one symbol on the paper venue: its
 * execution feed's, chosen by the backtest engine's own rule (strategy `executionFeeds`: the
 * symbol's finest interval, the first on ties), so a run and its backtest fill on the same bar.
 */
import { INTERVAL_MS, type CandleInterval } from '@tickline/market';
import { executionFeeds, type LiveFeed } from '@tickline/strategy';

/** The execution interval of each symbol of `feeds`. */
export function fillIntervals(feeds: readonly LiveFeed[]): Map<string, CandleInterval> {
  const isExec = executionFeeds(feeds, (k) => INTERVAL_MS[feeds[k]!.interval as CandleInterval] ?? Infinity);
  const out = new Map<string, CandleInterval>();
  for (let k = 0; k < feeds.length; k++)
    if (isExec[k]) out.set(feeds[k]!.symbol, feeds[k]!.interval as CandleInterval);
  return out;
}
