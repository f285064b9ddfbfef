/**
 * @module The GraphQL schema's subscriptions types for the SDK. Generated from the server's SDL by
 * `npm run docs:graphql` (packages/graphql/src/docs/client-types.ts); do not edit. A test fails
 * when it drifts from the schema. Pick what a query selects: `Pick<GqlPortfolio, 'id' | 'cash'>`,
 * with `GqlQueryPortfolioArgs` as its variables.
 */
import type { GqlRunError } from './common.ts';
import type { GqlCandle, GqlStats24h } from './market.ts';
import type { GqlInboxEntry } from './notify.ts';
import type { GqlOrderFill, GqlSignal } from './trading.ts';

/** backtest.progress (progress, barsDone, barsTotal) or backtest.completed (status, summary, error). */
export interface GqlBacktestEvent {
  eventId: string;
  type: string;
  backtestId: string | null;
  strategyId: string | null;
  version: number | null;
  progress: number | null;
  barsDone: number | null;
  barsTotal: number | null;
  /** succeeded, failed or cancelled (backtest.completed) */
  status: string | null;
  /** { totalReturn, maxDrawdown, sharpe, trades, finalEquity } of a succeeded run. */
  summary: unknown;
  error: GqlRunError | null;
}

export interface GqlCandleEvent {
  eventId: string;
  /** market.candle.updated (forming) or market.candle.closed */
  type: string;
  candle: GqlCandle | null;
}

export interface GqlInboxEvent {
  eventId: string;
  /** notification.inbox.added */
  type: string;
  entry: GqlInboxEntry | null;
  /** Unread entries after it. */
  unread: number | null;
}

/**
 * An order's lifecycle: order.placed, order.filled (once per execution), order.cancelled,
 * order.rejected.
 */
export interface GqlOrderEvent {
  eventId: string;
  type: string;
  portfolioId: string | null;
  clientOrderId: string | null;
  symbol: string | null;
  side: string | null;
  orderType: string | null;
  quantity: number | null;
  price: number | null;
  /** The execution of an order.filled. */
  fill: GqlOrderFill | null;
  filledQuantity: number | null;
  remainingQuantity: number | null;
  averagePrice: number | null;
  /** Why an order.rejected was refused. */
  reason: string | null;
  detail: string | null;
}

export interface GqlSignalEvent {
  eventId: string;
  type: string;
  signal: GqlSignal | null;
}

export interface GqlTickerEvent {
  eventId: string;
  type: string;
  ticker: GqlTickerUpdate | null;
}

/** The throttled ticker of a symbol (channel market:{symbol}:ticker). */
export interface GqlTickerUpdate {
  symbol: string;
  last: number;
  lastSize: number;
  lastSide: string;
  lastTradeAt: number;
  stats24h: GqlStats24h | null;
}
