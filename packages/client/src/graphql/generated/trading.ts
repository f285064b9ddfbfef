/**
 * @module The GraphQL schema's trading types for the SDK. Generated from the server's SDL by
 * `npm run docs:graphql` (packages/graphql/src/docs/client-types.ts); do not edit. A test fails
 * when it drifts from the schema. Pick what a query selects: `Pick<GqlPortfolio, 'id' | 'cash'>`,
 * with `GqlQueryPortfolioArgs` as its variables.
 */
import type { GqlLogLine, GqlPageInfo } from './common.ts';
import type { GqlTicker } from './market.ts';
import type { GqlStrategy } from './strategy.ts';

export interface GqlEquityPoint {
  at: number;
  equity: number;
  cash: number;
}

/** A span of the equity chart. */
export type GqlEquityRange = 'DAY' | 'WEEK' | 'MONTH';

/** The kill switch: the owner's hand and an admin's; engaged while either is. */
export interface GqlKillSwitch {
  engaged: boolean;
  user: GqlKillSwitchEngagement | null;
  admin: GqlKillSwitchEngagement | null;
}

/** One hand on the kill switch. */
export interface GqlKillSwitchEngagement {
  by: string;
  at: number;
  reason: string;
}

/** A live run's unhealthy feeds (GET /live-strategies/{id} dataHealth). */
export interface GqlLiveDataHealth {
  /** Always false: the field is null while every feed is healthy. */
  healthy: boolean;
  feeds: GqlLiveFeedHealth[];
}

export interface GqlLiveFeedHealth {
  symbol: string;
  interval: string;
  healthy: boolean;
  /** stale, gap or jump */
  problem: string | null;
  /** What was seen, in words. */
  detail: string | null;
  /** When it turned unhealthy (epoch ms). */
  since: number | null;
}

/** A live run's latest parity check: its decisions against its backtest replay's. */
export interface GqlLiveParity {
  checkedAt: number;
  /** identical or diverged */
  state: string;
  /** Decisions the live run made in the window checked. */
  decisions: number;
  /** The first decision that differs; null when identical. */
  firstDivergence: GqlParityDivergence | null;
}

export interface GqlLivePause {
  /** user, kill_switch, or the failure's error code. */
  code: string;
  reason: string;
  at: number;
}

export interface GqlLiveRun {
  /** {portfolioId}:{strategyId} */
  id: string;
  strategyId: string;
  /** The strategy's name; null if it could not be read. */
  strategyName: string | null;
  version: number;
  userId: string;
  portfolioId: string;
  /** running or paused */
  state: string;
  pause: GqlLivePause | null;
  candles: number;
  signals: number;
  /** Close time of the last candle claimed: being decided, or decided. */
  lastCandleTime: number | null;
  /**
   * Close time of the last candle whose decision is complete: answered, its orders handed to the
   * order desk (a moment after the claim). What parity replays up to.
   */
  settledCandleTime: number | null;
  /** The latest signals (scope signals:read, as GET /live-strategies/{id}/signals). */
  lastSignals: GqlSignal[] | null;
  /** The latest log lines (scope signals:read). */
  logs: GqlLogLine[] | null;
  /** The strategy it runs; loaded for every run of the answer at once. */
  strategy: GqlStrategy | null;
  /** In stop-entry: orders that would open or grow a position are not placed; exits are. */
  stopEntry: boolean;
  /**
   * Set while a feed it reads is unhealthy (stale, a gap, a jump past the band): its entries are
   * refused, its exits go on, its strategy reads ctx.dataHealthy === false. Null when healthy.
   */
  dataHealth: GqlLiveDataHealth | null;
  /**
   * Its latest parity check against its backtest replay (on a schedule and at each restart or
   * resume); null before the first.
   */
  parity: GqlLiveParity | null;
}

export interface GqlLiveRunConnection {
  edges: GqlLiveRunEdge[];
  nodes: GqlLiveRun[];
  pageInfo: GqlPageInfo;
}

export interface GqlLiveRunEdge {
  cursor: string;
  node: GqlLiveRun;
}

export interface GqlOrder {
  portfolioId: string;
  clientOrderId: string;
  venueOrderId: string | null;
  symbol: string;
  /** buy or sell */
  side: string;
  /** market, limit or stop */
  type: string;
  quantity: number;
  price: number | null;
  timeInForce: string;
  /** new, partially_filled, filled, cancelled or rejected */
  status: string;
  filledQuantity: number;
  filledQuote: number;
  fills: GqlOrderFill[];
  rejectReason: string | null;
  detail: string | null;
  retryAfterMs: number | null;
  /** { kind: strategy, strategyId, version, candleCloseTime, fillInterval } or { kind: manual, userId }. */
  origin: unknown;
  createdAt: number;
  updatedAt: number;
}

export interface GqlOrderConnection {
  edges: GqlOrderEdge[];
  nodes: GqlOrder[];
  pageInfo: GqlPageInfo;
}

export interface GqlOrderEdge {
  cursor: string;
  node: GqlOrder;
}

export interface GqlOrderFill {
  tradeId: string;
  price: number;
  quantity: number;
  fee: number;
  feeAsset: string;
  time: number;
}

export type GqlOrderListStatus = 'OPEN' | 'ALL';

/** REST's error shape for an order the venue or a risk limit refused: the order is still answered. */
export interface GqlOrderRejection {
  /** STRATEGY_BROKER_ORDER_REJECTED */
  code: string;
  message: string;
  reason: string | null;
}

/** One order decision: as the live run journaled it or as the replay recorded it. */
export interface GqlParityDecision {
  candleCloseTime: number;
  symbol: string;
  side: string;
  type: string;
  /** A percent order's quantity as sized from the run's equity. */
  quantity: number;
  percent: number | null;
  price: number | null;
}

export interface GqlParityDivergence {
  /** Its number, from 1. */
  decision: number;
  /** The first field that differs (or missing on one side). */
  field: string;
  live: GqlParityDecision | null;
  replay: GqlParityDecision | null;
}

export interface GqlPlaceOrderInput {
  symbol: string;
  /** buy or sell */
  side: string;
  /** market (default), limit or stop; limit and stop need a price. */
  type?: string | null;
  quantity: number;
  price?: number | null;
}

export interface GqlPlaceOrderPayload {
  order: GqlOrder;
  /** Set when the order was refused (status rejected), as REST's 422 answer carries it. */
  rejection: GqlOrderRejection | null;
}

/** A paper portfolio (its id is its owner's user id). */
export interface GqlPortfolio {
  id: string;
  cash: number;
  equity: number;
  dayStartEquity: number;
  positions: GqlPosition[];
  orders: GqlOrderConnection;
  /**
   * Oldest first: the last day, week or month (range, one point per 5 min / 30 min / 2 h),
   * or else at most limit points (default 200, at most 1,000).
   */
  equityHistory: GqlEquityPoint[];
  risk: GqlRiskView;
  /** The live strategy runs on this portfolio; loaded for every portfolio of the answer at once. */
  liveRuns: GqlLiveRun[];
}

/** Arguments of `Portfolio.orders`. */
export interface GqlPortfolioOrdersArgs {
  status?: GqlOrderListStatus | null;
  first?: number | null;
  after?: string | null;
}

/** Arguments of `Portfolio.equityHistory`. */
export interface GqlPortfolioEquityHistoryArgs {
  limit?: number | null;
  range?: GqlEquityRange | null;
}

export interface GqlPortfolioConnection {
  edges: GqlPortfolioEdge[];
  nodes: GqlPortfolio[];
  pageInfo: GqlPageInfo;
}

export interface GqlPortfolioEdge {
  cursor: string;
  node: GqlPortfolio;
}

/** A position, marked to the last price the books saw; ticker is the market's live one. */
export interface GqlPosition {
  symbol: string;
  /** Signed: above 0 is long. */
  quantity: number;
  averagePrice: number;
  markPrice: number;
  realizedPnl: number;
  unrealizedPnl: number;
  fees: number;
  /** The market's live ticker; loaded for every position of the answer at once. */
  ticker: GqlTicker | null;
}

export interface GqlRiskView {
  killSwitch: GqlKillSwitch;
  /** The limits in force: maxPositionValue, maxPositionPercent, maxOrderNotional, maxDailyLoss, maxDailyLossPercent, maxOrdersPerMinute. */
  limits: unknown;
  defaults: unknown;
  /** True when the portfolio has limits of its own. */
  custom: boolean;
  /** The last 50 changes to the switch and the limits. */
  audit: unknown;
}

/** A live strategy's signal: the order it placed on a closed candle. */
export interface GqlSignal {
  strategyId: string;
  /** The strategy's name when the signal was made; null if it could not be read then. */
  strategyName: string | null;
  version: number;
  portfolioId: string;
  candleCloseTime: number;
  clientOrderId: string;
  symbol: string;
  side: string;
  type: string;
  quantity: number;
  price: number | null;
  reason: string;
}
