/**
 * @module How closed trades become {@link ProfitBucket}s: what a bucket's wins, losses and
 * `profitPct` mean, in one place, so the live profit summary (trading) and a backtest's breakdowns
 * (the dashboard, from a backtest's trades) group alike. Pure.
 */
import type { BacktestTrade } from './backtest.ts';
import type { ProfitBucket } from './results.ts';

/** What a trade adds to its bucket: profit after fees, fees, and its entry notional (quantity × entry price). */
export interface BucketFigures {
  profit: number;
  fees: number;
  notional: number;
}

/**
 * `trades` grouped by `keyOf`: per key the count, wins (profit > 0), losses (profit < 0), profit,
 * fees and profit over entry notional (0 without any). Most profitable first, or with `order:
 * 'key-desc'` the greatest key first (newest day first for `YYYY-MM-DD` keys).
 */
export function profitBuckets<T>(
  trades: readonly T[],
  keyOf: (trade: T) => string,
  figuresOf: (trade: T) => BucketFigures,
  order: 'profit' | 'key-desc' = 'profit',
): ProfitBucket[] {
  const by = new Map<string, ProfitBucket & { notional: number }>();
  for (const t of trades) {
    const key = keyOf(t);
    let b = by.get(key);
    if (b === undefined)
      by.set(
        key,
        (b = { key, trades: 0, wins: 0, losses: 0, profit: 0, fees: 0, profitPct: 0, notional: 0 }),
      );
    const { profit, fees, notional } = figuresOf(t);
    b.trades++;
    if (profit > 0) b.wins++;
    else if (profit < 0) b.losses++;
    b.profit += profit;
    b.fees += fees;
    b.notional += notional;
  }
  const out = [...by.values()].map(({ notional, ...b }) => ({
    ...b,
    profitPct: notional > 0 ? b.profit / notional : 0,
  }));
  return order === 'profit'
    ? out.sort((a, b) => b.profit - a.profit)
    : out.sort((a, b) => (a.key < b.key ? 1 : -1));
}

/** A backtest's trades grouped per pair, exit reason and day, as the live profit summary groups. */
export interface BacktestBreakdowns {
  byPair: ProfitBucket[];
  byExitReason: ProfitBucket[];
  byDay: ProfitBucket[];
}

/** The UTC day (`YYYY-MM-DD`) of epoch ms. */
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Backtest trades grouped as the live profit summary groups closed trades (dashboard and CLI). */
export function backtestBreakdowns(trades: readonly BacktestTrade[]): BacktestBreakdowns {
  const group = (keyOf: (t: BacktestTrade) => string, order?: 'key-desc') =>
    profitBuckets(
      trades,
      keyOf,
      (t) => ({ profit: t.pnl, fees: t.fees, notional: t.qty * t.entryPrice }),
      order,
    );
  return {
    byPair: group((t) => t.symbol),
    byExitReason: group((t) => t.exitReason || 'exit'),
    byDay: group((t) => utcDay(t.exitTime), 'key-desc'),
  };
}
