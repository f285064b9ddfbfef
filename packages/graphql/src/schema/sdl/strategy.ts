/**
 * @module Strategies with their versions, backtests with their results, research runs with their
 * reports (scopes strategies:read / strategies:write / backtests:run, as REST's routes).
 */
export const STRATEGY_SDL = /* GraphQL */ `
  type StrategyVersion {
    strategyId: ID!
    version: Int!
    language: String!
    """
    The parameters the code declares (name → spec).
    """
    params: JSON!
    sourceSha256: String!
    sizeBytes: Int!
    createdAt: String!
  }

  type Strategy {
    id: ID!
    name: String!
    description: String!
    latestVersion: Int!
    createdAt: String!
    updatedAt: String!
    """
    Oldest first; loaded for a whole page of strategies at once.
    """
    versions: [StrategyVersion!]!
    """
    This strategy's backtests, newest first (the 200 latest of the caller's); loaded for a whole
    page of strategies at once.
    """
    backtests(first: Int, after: String): BacktestConnection!
  }

  type StrategyEdge {
    cursor: String!
    node: Strategy!
  }

  type StrategyConnection {
    edges: [StrategyEdge!]!
    nodes: [Strategy!]!
    pageInfo: PageInfo!
  }

  type BacktestMetrics {
    startingCapital: Float!
    finalEquity: Float!
    totalReturn: Float!
    """
    Null for a run spanning less than 30 days (cagrNote says why).
    """
    cagr: Float
    cagrNote: String
    volatility: Float
    sharpe: Float
    sortino: Float
    calmar: Float
    maxDrawdown: Float!
    trades: Int!
    winRate: Float!
    profitFactor: Float
    expectancy: Float!
    avgWin: Float!
    avgLoss: Float!
    exposure: Float!
    feesPaid: Float!
    """
    maxDrawdown, peakTime, troughTime, recoveryTime, longestDrawdownMs.
    """
    drawdown: JSON!
    """
    Returns per day, week and month: { day: [{ start, return }], week, month }.
    """
    periodReturns: JSON!
  }

  type BacktestTrade {
    symbol: String!
    """
    long or short
    """
    direction: String!
    entryTime: Float!
    exitTime: Float!
    entryPrice: Float!
    exitPrice: Float!
    qty: Float!
    pnl: Float!
    fees: Float!
    returnPct: Float!
    entryReason: String!
    exitReason: String!
    bars: Int!
  }

  type BacktestTradeEdge {
    cursor: String!
    node: BacktestTrade!
  }

  type BacktestTradeConnection {
    edges: [BacktestTradeEdge!]!
    nodes: [BacktestTrade!]!
    pageInfo: PageInfo!
  }

  """
  What a succeeded backtest produced.
  """
  type BacktestResult {
    metrics: BacktestMetrics!
    bars: Int!
    tradesTruncated: Boolean!
    logs: [LogLine!]!
    trades(first: Int, after: String): BacktestTradeConnection!
    """
    [time ms, equity] pairs, downsampled for charts to about 2,000 points.
    """
    equity: [[Float!]!]!
    """
    [time ms, drawdown] pairs (a negative fraction) at the same points.
    """
    drawdown: [[Float!]!]!
  }

  type Backtest {
    id: ID!
    strategyId: ID!
    version: Int!
    """
    queued, running, succeeded, failed or cancelled
    """
    status: String!
    """
    Fraction done, 0–1.
    """
    progress: Float!
    symbol: String!
    interval: String!
    from: String!
    to: String!
    exchange: String
    params: JSON!
    settings: JSON!
    error: RunError
    createdAt: String!
    startedAt: String
    finishedAt: String
    """
    The strategy it ran; loaded for a whole page of backtests at once.
    """
    strategy: Strategy
    """
    Null until it succeeded; loaded for a whole page of backtests at once.
    """
    result: BacktestResult
  }

  type BacktestEdge {
    cursor: String!
    node: Backtest!
  }

  type BacktestConnection {
    edges: [BacktestEdge!]!
    nodes: [Backtest!]!
    pageInfo: PageInfo!
  }

  type ResearchRun {
    id: ID!
    strategyId: ID!
    version: Int!
    """
    lookahead, walk-forward or search
    """
    kind: String!
    status: String!
    progress: Float!
    """
    [{ symbol, interval, exchange? }]
    """
    feeds: JSON!
    from: String!
    to: String!
    spec: JSON!
    error: RunError
    createdAt: String!
    startedAt: String
    finishedAt: String
    strategy: Strategy
    """
    The report once it succeeded (metrics, trades and equity per kind; see docs/research.md), else null.
    """
    report: JSON
  }

  type ResearchRunEdge {
    cursor: String!
    node: ResearchRun!
  }

  type ResearchRunConnection {
    edges: [ResearchRunEdge!]!
    nodes: [ResearchRun!]!
    pageInfo: PageInfo!
  }

  """
  The settings of a backtest (as POST /api/v1/backtests).
  """
  input QueueBacktestInput {
    strategyId: ID!
    """
    Default: the latest version.
    """
    version: Int
    symbol: String!
    interval: String!
    """
    ISO 8601 date-time, or epoch ms as a string.
    """
    from: String!
    to: String!
    exchange: String
    params: JSON
    """
    startingCapital, makerFee, takerFee, slippage, maxLeverage, allowShort, closeAtEnd, seed.
    """
    settings: JSON
    """
    { memoryMb, cpuMs }: default the tier's; more than the tier is STRATEGY_TIER_LIMIT.
    """
    sandbox: JSON
  }

  extend type Query {
    """
    The caller's strategies (scope strategies:read).
    """
    strategies(first: Int, after: String): StrategyConnection
    """
    One strategy (scope strategies:read); another user's is STRATEGY_NOT_FOUND, as on REST.
    """
    strategy(id: ID!): Strategy
    """
    The caller's backtests, newest first, at most 200 (scope strategies:read).
    """
    backtests(strategyId: ID, first: Int, after: String): BacktestConnection
    """
    One backtest (scope strategies:read).
    """
    backtest(id: ID!): Backtest
    """
    The caller's research runs, newest first, at most 200 (scope strategies:read).
    """
    researchRuns(strategyId: ID, first: Int, after: String): ResearchRunConnection
    """
    One research run with its report (scope strategies:read).
    """
    researchRun(id: ID!): ResearchRun
  }

  extend type Mutation {
    """
    Compiles the code and saves it as the strategy's next immutable version (scope
    strategies:write); a compile error saves nothing, with REST's code and line.
    """
    createStrategyVersion(strategyId: ID!, source: String!, language: String = "typescript"): StrategyVersion
    """
    Queues a backtest after REST's checks (scope backtests:run). Progress arrives on the
    backtestProgress subscription.
    """
    queueBacktest(input: QueueBacktestInput!): Backtest
    """
    Cancels a queued or running backtest (scope backtests:run); STRATEGY_RUN_FINISHED once it ended.
    """
    cancelBacktest(id: ID!): Backtest
  }
`;
