/**
 * @module Which feed's bars fill a symbol's orders: the rule the backtest engine runs by, and the
 * one a live paper run's orders are filled by (trading's paper venue is told the interval with
 * each order), so a run and its backtest fill on the same bar. A module of its own because both
 * sides import it and neither may keep a copy.
 */

/** What the rule reads of a feed: its symbol; the bar length comes from `spanOf`. */
export interface ExecutionFeedCandidate {
  symbol: string;
}

/**
 * For each feed, true when it is its symbol's execution feed: the feed of that symbol with the
 * shortest bar (`spanOf(k)`, ms), the first in feed order on ties. Its next bar after an order is
 * placed fills the order (a market order at its open), and its close marks the position.
 */
export function executionFeeds(
  feeds: readonly ExecutionFeedCandidate[],
  spanOf: (k: number) => number,
): boolean[] {
  const best = new Map<string, { k: number; span: number }>();
  for (let k = 0; k < feeds.length; k++) {
    const symbol = feeds[k]!.symbol;
    const span = spanOf(k);
    const current = best.get(symbol);
    if (current === undefined || span < current.span) best.set(symbol, { k, span });
  }
  const isExec = feeds.map(() => false);
  for (const { k } of best.values()) isExec[k] = true;
  return isExec;
}
