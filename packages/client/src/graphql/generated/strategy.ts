/**
 * @module The GraphQL schema's strategy types for the SDK. Generated from the server's SDL by
 * `npm run docs:graphql` (packages/graphql/src/docs/client-types.ts); do not edit. A test fails
 * when it drifts from the schema. Pick what a query selects: `Pick<GqlPortfolio, 'id' | 'cash'>`,
 * with `GqlQueryPortfolioArgs` as its variables.
 */
import type { GqlLogLine, GqlPageInfo, GqlRunError } from './common.ts';

export interface GqlBacktest {
  id: string;
  strategyId: string;
  version: number;
  /** queued, running, succeeded, failed or cancelled */
  status: string;
  /** Fraction done, 0–1. */
  progress: number;
  symbol: string;
  interval: string;
  from: string;
  to: string;
  exchange: string | null;
  params: unknown;
  settings: unknown;
  error: GqlRunError | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The strategy it ran; loaded for a whole page of backtests at once. */
  strategy: GqlStrategy | null;
  /** Null until it succeeded; loaded for a whole page of backtests at once. */
  result: GqlBacktestResult | null;
}

export interface GqlBacktestConnection {
  edges: GqlBacktestEdge[];
  nodes: GqlBacktest[];
  pageInfo: GqlPageInfo;
}

export interface GqlBacktestEdge {
  cursor: string;
  node: GqlBacktest;
}

export interface GqlBacktestMetrics {
  startingCapital: number;
  finalEquity: number;
  totalReturn: number;
  /** Null for a run spanning less than 30 days (cagrNote says why). */
  cagr: number | null;
  cagrNote: string | null;
  volatility: number | null;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  maxDrawdown: number;
  trades: number;
  winRate: number;
  profitFactor: number | null;
  expectancy: number;
  avgWin: number;
  avgLoss: number;
  exposure: number;
  feesPaid: number;
  /** maxDrawdown, peakTime, troughTime, recoveryTime, longestDrawdownMs. */
  drawdown: unknown;
  /** Returns per day, week and month: { day: [{ start, return }], week, month }. */
  periodReturns: unknown;
}

/** What a succeeded backtest produced. */
export interface GqlBacktestResult {
  metrics: GqlBacktestMetrics;
  bars: number;
  tradesTruncated: boolean;
  logs: GqlLogLine[];
  trades: GqlBacktestTradeConnection;
  /** [time ms, equity] pairs, downsampled for charts to about 2,000 points. */
  equity: number[][];
  /** [time ms, drawdown] pairs (a negative fraction) at the same points. */
  drawdown: number[][];
}

/** Arguments of `BacktestResult.trades`. */
export interface GqlBacktestResultTradesArgs {
  first?: number | null;
  after?: string | null;
}

export interface GqlBacktestTrade {
  symbol: string;
  /** long or short */
  direction: string;
  entryTime: number;
  exitTime: number;
  entryPrice: number;
  exitPrice: number;
  qty: number;
  pnl: number;
  fees: number;
  returnPct: number;
  entryReason: string;
  exitReason: string;
  bars: number;
}

export interface GqlBacktestTradeConnection {
  edges: GqlBacktestTradeEdge[];
  nodes: GqlBacktestTrade[];
  pageInfo: GqlPageInfo;
}

export interface GqlBacktestTradeEdge {
  cursor: string;
  node: GqlBacktestTrade;
}

/** The settings of a backtest (as POST /api/v1/backtests). */
export interface GqlQueueBacktestInput {
  strategyId: string;
  /** Default: the latest version. */
  version?: number | null;
  symbol: string;
  interval: string;
  /** ISO 8601 date-time, or epoch ms as a string. */
  from: string;
  to: string;
  exchange?: string | null;
  params?: unknown;
  /** startingCapital, makerFee, takerFee, slippage, maxLeverage, allowShort, closeAtEnd, seed. */
  settings?: unknown;
  /** { memoryMb, cpuMs }: default the tier's; more than the tier is STRATEGY_TIER_LIMIT. */
  sandbox?: unknown;
}

export interface GqlResearchRun {
  id: string;
  strategyId: string;
  version: number;
  /** lookahead, walk-forward or search */
  kind: string;
  status: string;
  progress: number;
  /** [{ symbol, interval, exchange? }] */
  feeds: unknown;
  from: string;
  to: string;
  spec: unknown;
  error: GqlRunError | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  strategy: GqlStrategy | null;
  /** The report once it succeeded (metrics, trades and equity per kind; see docs/research.md), else null. */
  report: unknown;
}

export interface GqlResearchRunConnection {
  edges: GqlResearchRunEdge[];
  nodes: GqlResearchRun[];
  pageInfo: GqlPageInfo;
}

export interface GqlResearchRunEdge {
  cursor: string;
  node: GqlResearchRun;
}

export interface GqlStrategy {
  id: string;
  name: string;
  description: string;
  latestVersion: number;
  createdAt: string;
  updatedAt: string;
  /** Oldest first; loaded for a whole page of strategies at once. */
  versions: GqlStrategyVersion[];
  /**
   * This strategy's backtests, newest first (the 200 latest of the caller's); loaded for a whole
   * page of strategies at once.
   */
  backtests: GqlBacktestConnection;
}

/** Arguments of `Strategy.backtests`. */
export interface GqlStrategyBacktestsArgs {
  first?: number | null;
  after?: string | null;
}

export interface GqlStrategyConnection {
  edges: GqlStrategyEdge[];
  nodes: GqlStrategy[];
  pageInfo: GqlPageInfo;
}

export interface GqlStrategyEdge {
  cursor: string;
  node: GqlStrategy;
}

export interface GqlStrategyVersion {
  strategyId: string;
  version: number;
  language: string;
  /** The parameters the code declares (name → spec). */
  params: unknown;
  sourceSha256: string;
  sizeBytes: number;
  createdAt: string;
}
