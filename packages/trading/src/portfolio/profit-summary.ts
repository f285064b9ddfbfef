/**
 * @module The profit summary FreqUI's `/profit` shows, of closed trades and open ones: realized
 * (closed trades and partial exits, after their fees), unrealized (open lots marked at the last
 * price, after their entry fees — a buy fee is a cost of the open position, not a realized loss),
 * win and loss counts, and breakdowns per run, pair, exit reason and UTC day of the exit. Pure;
 * the routes (results-routes.ts) and through them the CLI and the dashboard read it.
 */
import { profitBuckets } from '@tickline/protocol';
import { type ClosedTrade, type OpenTrade, utcDay } from './round-trips.ts';

/** Closed trades grouped by one key. */
export interface ProfitBucket {
  key: string;
  trades: number;
  wins: number;
  losses: number;
  /** Realized after fees, in quote. */
  profit: number;
  fees: number;
  /** `profit` over the entry notional of the bucket's trades. */
  profitPct: number;
}

/** See the module comment. */
export interface ProfitSummary {
  /** Closed trades. */
  trades: number;
  wins: number;
  losses: number;
  /** Wins over closed trades; 0 without any. */
  winRate: number;
  /** Closed trades and partial exits of open ones, after their fees. */
  realized: number;
  /** Open lots at the mark, after their entry fees. */
  unrealized: number;
  /** Every fee paid (closed trades and open ones). */
  fees: number;
  openTrades: number;
  /** Sum of closed trades' profit over their entry notional; 0 without any. */
  profitPct: number;
  /** Mean time a closed trade was held, ms; 0 without any. */
  avgDurationMs: number;
  byRun: ProfitBucket[];
  byPair: ProfitBucket[];
  byExitReason: ProfitBucket[];
  /** Newest day first. */
  byDay: ProfitBucket[];
}

/** Closed trades grouped by `keyOf`, most profitable first (or newest day first, `key-desc`). */
const buckets = (trades: readonly ClosedTrade[], keyOf: (t: ClosedTrade) => string, order?: 'key-desc') =>
  profitBuckets(
    trades,
    keyOf,
    (t) => ({ profit: t.profit, fees: t.fees, notional: t.quantity * t.entryPrice }),
    order,
  );

/**
 * The summary of `closed` and `open` trades, open ones marked at `markOf(symbol)` (their entry
 * price when no price is known, so they count 0 before fees).
 */
export function profitSummary(
  closed: readonly ClosedTrade[],
  open: readonly OpenTrade[],
  markOf: (symbol: string) => number | undefined,
): ProfitSummary {
  const [total] = buckets(closed, () => 'all');
  let realized = total?.profit ?? 0;
  let unrealized = 0;
  let fees = total?.fees ?? 0;
  for (const o of open) {
    const mark = markOf(o.symbol) ?? o.entryPrice;
    const dir = o.direction === 'long' ? 1 : -1;
    realized += o.realized;
    unrealized += (mark - o.entryPrice) * o.quantity * dir - o.openFees;
    fees += o.fees;
  }
  return {
    trades: closed.length,
    wins: total?.wins ?? 0,
    losses: total?.losses ?? 0,
    winRate: closed.length > 0 ? (total?.wins ?? 0) / closed.length : 0,
    realized,
    unrealized,
    fees,
    openTrades: open.length,
    profitPct: total?.profitPct ?? 0,
    avgDurationMs: closed.length > 0 ? closed.reduce((s, t) => s + t.durationMs, 0) / closed.length : 0,
    byRun: buckets(closed, (t) => t.run),
    byPair: buckets(closed, (t) => t.symbol),
    byExitReason: buckets(closed, (t) => t.exitReason),
    byDay: buckets(closed, (t) => utcDay(t.exitTime), 'key-desc'),
  };
}
