/**
 * @module The GraphQL schema's types for the SDK, generated from the server's SDL by
 * `npm run docs:graphql` (packages/graphql/src/docs/client-types.ts); do not edit. A test fails
 * when it drifts from the schema. Pick what a query selects:
 * `Pick<GqlPortfolio, 'id' | 'cash'>`, with `GqlQueryPortfolioArgs` as its variables.
 */

/** Who called: a signed-in user, or an API key acting for its user. */
export interface GqlAccount {
  userId: string;
  role: string;
  /** user or api_key */
  kind: string;
  /** An API key's scopes; null for a signed-in user (every scope the role allows). */
  scopes: string[] | null;
}

export interface GqlApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface GqlApiKeyConnection {
  edges: GqlApiKeyEdge[];
  nodes: GqlApiKey[];
  pageInfo: GqlPageInfo;
}

export interface GqlApiKeyEdge {
  cursor: string;
  node: GqlApiKey;
}

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

export interface GqlBacktestMetrics {
  startingCapital: number;
  finalEquity: number;
  totalReturn: number;
  cagr: number;
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

export interface GqlCandle {
  exchange: string;
  symbol: string;
  interval: string;
  /** Milliseconds since the epoch. */
  openTime: number;
  closeTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quoteVolume: number;
  trades: number;
  /** A source disconnect overlapped it: trades may be missing. */
  incomplete: boolean;
  revision: number;
  /** False while it is forming. */
  closed: boolean;
}

export interface GqlCandleEvent {
  eventId: string;
  /** market.candle.updated (forming) or market.candle.closed */
  type: string;
  candle: GqlCandle | null;
}

/** A durable consumer's position on the event log. */
export interface GqlConsumerLag {
  name: string;
  acked: number;
  /** Events behind the log's head. */
  lag: number;
}

export interface GqlEquityPoint {
  at: number;
  equity: number;
  cash: number;
}

/** A span of the equity chart. */
export type GqlEquityRange = 'DAY' | 'WEEK' | 'MONTH';

export interface GqlInboxConnection {
  edges: GqlInboxEntryEdge[];
  nodes: GqlInboxEntry[];
  pageInfo: GqlPageInfo;
  unread: number;
}

export interface GqlInboxEntry {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: unknown;
  createdAt: string;
  readAt: string | null;
}

export interface GqlInboxEntryEdge {
  cursor: string;
  node: GqlInboxEntry;
}

export interface GqlInboxEvent {
  eventId: string;
  /** notification.inbox.added */
  type: string;
  entry: GqlInboxEntry | null;
  /** Unread entries after it. */
  unread: number | null;
}

export interface GqlIndicator {
  name: string;
  interval: string;
  /** The parameters used (the defaults filled in). */
  params: unknown;
  points: GqlIndicatorPoint[];
}

export interface GqlIndicatorPoint {
  /** The candle's open time (epoch ms). */
  time: number;
  /**
   * `value`, or the indicator's named lines (macd/signal/histogram, upper/middle/lower, k/d); null
   * in the warm-up.
   */
  values: unknown;
}

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
  lastCandleTime: number | null;
  /** The latest signals (scope signals:read, as GET /live-strategies/{id}/signals). */
  lastSignals: GqlSignal[] | null;
  /** The latest log lines (scope signals:read). */
  logs: GqlLogLine[] | null;
  /** The strategy it runs; loaded for every run of the answer at once. */
  strategy: GqlStrategy | null;
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

export interface GqlLogLine {
  /** Milliseconds since the epoch. */
  time: number;
  text: string;
}

export interface GqlMarket {
  symbol: string;
  exchanges: string[];
  /** In market.symbols (collected by this deployment). */
  configured: boolean;
  lastPrice: number | null;
  lastTradeAt: number | null;
  ticker: GqlTicker;
  /**
   * Candles ascending by open time, forming ones included; interval one of 1s 1m 5m 15m 1h 4h 1d.
   * Without from, the latest before to. limit: 500 by default, at most 5,000.
   */
  candles: GqlCandle[];
  /** An indicator over the stored candles: sma ema wma rsi macd bollinger atr stochastic vwap obv. */
  indicator: GqlIndicator;
}

/** Arguments of `Market.candles`. */
export interface GqlMarketCandlesArgs {
  interval?: string | null;
  from?: number | null;
  to?: number | null;
  limit?: number | null;
  exchange?: string | null;
}

/** Arguments of `Market.indicator`. */
export interface GqlMarketIndicatorArgs {
  name: string;
  interval?: string | null;
  period?: number | null;
  fast?: number | null;
  slow?: number | null;
  signal?: number | null;
  stddev?: number | null;
  from?: number | null;
  to?: number | null;
  limit?: number | null;
  exchange?: string | null;
}

export interface GqlMarketConnection {
  edges: GqlMarketEdge[];
  nodes: GqlMarket[];
  pageInfo: GqlPageInfo;
}

export interface GqlMarketEdge {
  cursor: string;
  node: GqlMarket;
}

export interface GqlMutation {
  /**
   * Compiles the code and saves it as the strategy's next immutable version (scope
   * strategies:write); a compile error saves nothing, with REST's code and line.
   */
  createStrategyVersion: GqlStrategyVersion | null;
  /**
   * Queues a backtest after REST's checks (scope backtests:run). Progress arrives on the
   * backtestProgress subscription.
   */
  queueBacktest: GqlBacktest | null;
  /** Cancels a queued or running backtest (scope backtests:run); STRATEGY_RUN_FINISHED once it ended. */
  cancelBacktest: GqlBacktest | null;
  /**
   * Places a manual order at the portfolio's venue (scope portfolio:write). idempotencyKey is REST's Idempotency-Key:
   * a retry with the same key and order answers the first order. A market order answers accepted
   * (status new) and fills at the next trade or closed candle after it, at that price.
   */
  placeOrder: GqlPlaceOrderPayload | null;
  /** Cancels a working order (scope portfolio:write). */
  cancelOrder: GqlOrder | null;
  /** Pauses a live run (scope portfolio:write). */
  pauseLiveRun: GqlLiveRun | null;
  /** Resumes a paused live run from the next candle (scope portfolio:write). */
  resumeLiveRun: GqlLiveRun | null;
  /** Marks one inbox entry read (scope notifications:write). */
  markNotificationRead: boolean | null;
  /** Marks every entry read; answers how many were unread (scope notifications:write). */
  markAllNotificationsRead: number | null;
}

/** Arguments of `Mutation.createStrategyVersion`. */
export interface GqlMutationCreateStrategyVersionArgs {
  strategyId: string;
  source: string;
  language?: string | null;
}

/** Arguments of `Mutation.queueBacktest`. */
export interface GqlMutationQueueBacktestArgs {
  input: GqlQueueBacktestInput;
}

/** Arguments of `Mutation.cancelBacktest`. */
export interface GqlMutationCancelBacktestArgs {
  id: string;
}

/** Arguments of `Mutation.placeOrder`. */
export interface GqlMutationPlaceOrderArgs {
  portfolioId: string;
  idempotencyKey: string;
  input: GqlPlaceOrderInput;
}

/** Arguments of `Mutation.cancelOrder`. */
export interface GqlMutationCancelOrderArgs {
  portfolioId: string;
  clientOrderId: string;
  symbol: string;
}

/** Arguments of `Mutation.pauseLiveRun`. */
export interface GqlMutationPauseLiveRunArgs {
  id: string;
}

/** Arguments of `Mutation.resumeLiveRun`. */
export interface GqlMutationResumeLiveRunArgs {
  id: string;
}

/** Arguments of `Mutation.markNotificationRead`. */
export interface GqlMutationMarkNotificationReadArgs {
  id: string;
}

export interface GqlNotificationRule {
  kind: string;
  channels: string[];
  urgent: boolean;
  /** No rule stored: the tier's default applies. */
  isDefault: boolean;
}

export interface GqlNotificationRules {
  rules: GqlNotificationRule[];
  /** email, locale, timeZone, quietHours, rateLimitPerHour… (as GET /notification-rules). */
  settings: unknown;
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

/**
 * Relay page information. totalCount is the whole list's length; null where the list is paged by a
 * key and its length is not counted (the inbox).
 */
export interface GqlPageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number | null;
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

export interface GqlPlayer {
  playerId: string;
  /** { email, role, tier } of the account, when it has one. */
  profile: unknown;
  online: boolean;
  zoneId: string | null;
  position: GqlPlayerPosition | null;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
}

export interface GqlPlayerConnection {
  edges: GqlPlayerEdge[];
  nodes: GqlPlayer[];
  pageInfo: GqlPageInfo;
}

export interface GqlPlayerEdge {
  cursor: string;
  node: GqlPlayer;
}

export interface GqlPlayerPosition {
  x: number;
  y: number;
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

export interface GqlQuery {
  /** The caller (any credential; every other field declares REST's scope for the same data). Fields that need one are nullable, so a refusal fails alone. */
  me: GqlAccount | null;
  /** The caller's API keys, never the keys themselves (scope account:manage, as GET /api/v1/api-keys). */
  apiKeys: GqlApiKeyConnection | null;
  /** Markets collected or stored (public). */
  markets: GqlMarketConnection;
  /** One market (public); MARKET_SYMBOL_NOT_FOUND for an unknown symbol. */
  market: GqlMarket | null;
  /** One market's ticker (public); MARKET_SYMBOL_NOT_FOUND for an unknown symbol. */
  ticker: GqlTicker | null;
  /** The caller's strategies (scope strategies:read). */
  strategies: GqlStrategyConnection | null;
  /** One strategy (scope strategies:read); another user's is STRATEGY_NOT_FOUND, as on REST. */
  strategy: GqlStrategy | null;
  /** The caller's backtests, newest first, at most 200 (scope strategies:read). */
  backtests: GqlBacktestConnection | null;
  /** One backtest (scope strategies:read). */
  backtest: GqlBacktest | null;
  /** The caller's research runs, newest first, at most 200 (scope strategies:read). */
  researchRuns: GqlResearchRunConnection | null;
  /** One research run with its report (scope strategies:read). */
  researchRun: GqlResearchRun | null;
  /** The caller's portfolios (scope portfolio:read). */
  portfolios: GqlPortfolioConnection | null;
  /** One portfolio (scope portfolio:read); another user's is STRATEGY_PORTFOLIO_NOT_FOUND, as on REST. */
  portfolio: GqlPortfolio | null;
  /** The caller's live strategy runs (scope portfolio:read). */
  liveRuns: GqlLiveRunConnection | null;
  /** One live run (scope portfolio:read); another user's is STRATEGY_LIVE_NOT_FOUND. */
  liveRun: GqlLiveRun | null;
  /** The inbox, newest first (scope notifications:read); first at most 100. */
  notifications: GqlInboxConnection | null;
  /** The notification rules and settings (scope notifications:read). */
  notificationRules: GqlNotificationRules | null;
  /** Zones with CCU, tick p50/p99 and health (admins). */
  zones: GqlZone[] | null;
  /** Players by id or email, most recently seen first, at most 500 (admins; each lookup is audited). */
  players: GqlPlayerConnection | null;
  /** The event log's consumers and how far behind its head each is (admins). */
  consumerLag: GqlConsumerLag[] | null;
}

/** Arguments of `Query.apiKeys`. */
export interface GqlQueryApiKeysArgs {
  first?: number | null;
  after?: string | null;
}

/** Arguments of `Query.markets`. */
export interface GqlQueryMarketsArgs {
  first?: number | null;
  after?: string | null;
}

/** Arguments of `Query.market`. */
export interface GqlQueryMarketArgs {
  symbol: string;
}

/** Arguments of `Query.ticker`. */
export interface GqlQueryTickerArgs {
  symbol: string;
}

/** Arguments of `Query.strategies`. */
export interface GqlQueryStrategiesArgs {
  first?: number | null;
  after?: string | null;
}

/** Arguments of `Query.strategy`. */
export interface GqlQueryStrategyArgs {
  id: string;
}

/** Arguments of `Query.backtests`. */
export interface GqlQueryBacktestsArgs {
  strategyId?: string | null;
  first?: number | null;
  after?: string | null;
}

/** Arguments of `Query.backtest`. */
export interface GqlQueryBacktestArgs {
  id: string;
}

/** Arguments of `Query.researchRuns`. */
export interface GqlQueryResearchRunsArgs {
  strategyId?: string | null;
  first?: number | null;
  after?: string | null;
}

/** Arguments of `Query.researchRun`. */
export interface GqlQueryResearchRunArgs {
  id: string;
}

/** Arguments of `Query.portfolios`. */
export interface GqlQueryPortfoliosArgs {
  first?: number | null;
  after?: string | null;
}

/** Arguments of `Query.portfolio`. */
export interface GqlQueryPortfolioArgs {
  id: string;
}

/** Arguments of `Query.liveRuns`. */
export interface GqlQueryLiveRunsArgs {
  first?: number | null;
  after?: string | null;
}

/** Arguments of `Query.liveRun`. */
export interface GqlQueryLiveRunArgs {
  id: string;
}

/** Arguments of `Query.notifications`. */
export interface GqlQueryNotificationsArgs {
  first?: number | null;
  after?: string | null;
  unread?: boolean | null;
}

/** Arguments of `Query.players`. */
export interface GqlQueryPlayersArgs {
  query?: string | null;
  online?: boolean | null;
  first?: number | null;
  after?: string | null;
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

/** Why a job failed: an error code from docs/errors.md and its message. */
export interface GqlRunError {
  code: string;
  message: string;
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

export interface GqlSignalEvent {
  eventId: string;
  type: string;
  signal: GqlSignal | null;
}

export interface GqlStats24h {
  windowStart: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quoteVolume: number;
  trades: number;
  change: number;
  changePercent: number;
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

/**
 * Every live event carries its id: pass the last one seen as `after` to resume from it. When the
 * gap cannot be filled from history, the first event is a `stream.reset` with no payload: reload
 * the state, then read on.
 */
export interface GqlStreamEvent {
  eventId: string;
  /** The event type (`market.ticker`, `order.filled`…), or `stream.reset`. */
  type: string;
}

export interface GqlSubscription {
  /** A symbol's throttled ticker (public; an API key needs market:read). */
  ticker: GqlTickerEvent;
  /** A symbol's candles of one interval, forming updates and closes (public; an API key needs market:read). */
  candles: GqlCandleEvent;
  /** A strategy's live signals (its owner, or an admin; an API key needs signals:read). */
  signals: GqlSignalEvent;
  /** The caller's order updates (the caller's own channel; an API key needs portfolio:read). */
  orderUpdates: GqlOrderEvent;
  /** New entries of the caller's inbox (an API key needs notifications:read). */
  inbox: GqlInboxEvent;
  /** Progress and completion of the caller's backtests, or of one (an API key needs strategies:read). */
  backtestProgress: GqlBacktestEvent;
}

/** Arguments of `Subscription.ticker`. */
export interface GqlSubscriptionTickerArgs {
  symbol: string;
  after?: string | null;
}

/** Arguments of `Subscription.candles`. */
export interface GqlSubscriptionCandlesArgs {
  symbol: string;
  interval: string;
  after?: string | null;
}

/** Arguments of `Subscription.signals`. */
export interface GqlSubscriptionSignalsArgs {
  strategyId: string;
  after?: string | null;
}

/** Arguments of `Subscription.orderUpdates`. */
export interface GqlSubscriptionOrderUpdatesArgs {
  after?: string | null;
}

/** Arguments of `Subscription.inbox`. */
export interface GqlSubscriptionInboxArgs {
  after?: string | null;
}

/** Arguments of `Subscription.backtestProgress`. */
export interface GqlSubscriptionBacktestProgressArgs {
  backtestId?: string | null;
  after?: string | null;
}

/** Last trade and 24 h statistics, from the in-memory latest-value store. */
export interface GqlTicker {
  symbol: string;
  last: GqlTrade | null;
  stats24h: GqlStats24h | null;
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

export interface GqlTrade {
  exchange: string;
  symbol: string;
  tradeId: string;
  price: number;
  size: number;
  side: string;
  /** Milliseconds since the epoch, as the venue reports it. */
  exchangeTime: number;
}

export interface GqlZone {
  zoneId: string;
  ccu: number;
  tick: number;
  tickP50Ms: number | null;
  tickP99Ms: number | null;
  overruns: number;
  /** ok, paused or draining */
  health: string;
}
