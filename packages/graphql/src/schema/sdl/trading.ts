/**
 * @module Paper portfolios with positions, orders, equity history, risk limits and the kill
 * switch, and live strategy runs with their signals and logs (scopes portfolio:read,
 * portfolio:write, signals:read, as REST's live-trading routes).
 */
export const TRADING_SDL = /* GraphQL */ `
  """
  A position, marked to the last price the books saw; ticker is the market's live one.
  """
  type Position {
    symbol: String!
    """
    Signed: above 0 is long.
    """
    quantity: Float!
    averagePrice: Float!
    markPrice: Float!
    realizedPnl: Float!
    unrealizedPnl: Float!
    fees: Float!
    """
    The market's live ticker; loaded for every position of the answer at once.
    """
    ticker: Ticker
  }

  type OrderFill {
    tradeId: String!
    price: Float!
    quantity: Float!
    fee: Float!
    feeAsset: String!
    time: Float!
  }

  type Order {
    portfolioId: ID!
    clientOrderId: ID!
    venueOrderId: String
    symbol: String!
    """
    buy or sell
    """
    side: String!
    """
    market, limit or stop
    """
    type: String!
    quantity: Float!
    price: Float
    timeInForce: String!
    """
    new, partially_filled, filled, cancelled or rejected
    """
    status: String!
    filledQuantity: Float!
    filledQuote: Float!
    fills: [OrderFill!]!
    rejectReason: String
    detail: String
    retryAfterMs: Float
    """
    { kind: strategy, strategyId, version, candleCloseTime, fillInterval } or { kind: manual, userId }.
    """
    origin: JSON
    createdAt: Float!
    updatedAt: Float!
  }

  type OrderEdge {
    cursor: String!
    node: Order!
  }

  type OrderConnection {
    edges: [OrderEdge!]!
    nodes: [Order!]!
    pageInfo: PageInfo!
  }

  """
  A span of the equity chart.
  """
  enum EquityRange {
    DAY
    WEEK
    MONTH
  }

  enum OrderListStatus {
    """
    Working orders.
    """
    OPEN
    """
    Every order, last changed first (at most 1,000).
    """
    ALL
  }

  type EquityPoint {
    at: Float!
    equity: Float!
    cash: Float!
  }

  """
  One hand on the kill switch.
  """
  type KillSwitchEngagement {
    by: ID!
    at: Float!
    reason: String!
  }

  """
  The kill switch: the owner's hand and an admin's; engaged while either is.
  """
  type KillSwitch {
    engaged: Boolean!
    user: KillSwitchEngagement
    admin: KillSwitchEngagement
  }

  type RiskView {
    killSwitch: KillSwitch!
    """
    The limits in force: maxPositionValue, maxPositionPercent, maxOrderNotional, maxDailyLoss, maxDailyLossPercent, maxOrdersPerMinute.
    """
    limits: JSON!
    defaults: JSON!
    """
    True when the portfolio has limits of its own.
    """
    custom: Boolean!
    """
    The last 50 changes to the switch and the limits.
    """
    audit: JSON!
  }

  """
  A live strategy's signal: the order it placed on a closed candle.
  """
  type Signal {
    strategyId: ID!
    """
    The strategy's name when the signal was made; null if it could not be read then.
    """
    strategyName: String
    version: Int!
    portfolioId: ID!
    candleCloseTime: Float!
    clientOrderId: ID!
    symbol: String!
    side: String!
    type: String!
    quantity: Float!
    price: Float
    reason: String!
  }

  type LivePause {
    """
    user, kill_switch, or the failure's error code.
    """
    code: String!
    reason: String!
    at: Float!
  }

  type LiveRun {
    """
    {portfolioId}:{strategyId}
    """
    id: ID!
    strategyId: ID!
    """
    The strategy's name; null if it could not be read.
    """
    strategyName: String
    version: Int!
    userId: ID!
    portfolioId: ID!
    """
    running or paused
    """
    state: String!
    pause: LivePause
    candles: Int!
    signals: Int!
    """
    Close time of the last candle claimed: being decided, or decided.
    """
    lastCandleTime: Float
    """
    Close time of the last candle whose decision is complete: answered, its orders handed to the
    order desk (a moment after the claim). What parity replays up to.
    """
    settledCandleTime: Float
    """
    The latest signals (scope signals:read, as GET /live-strategies/{id}/signals).
    """
    lastSignals: [Signal!]
    """
    The latest log lines (scope signals:read).
    """
    logs: [LogLine!]
    """
    The strategy it runs; loaded for every run of the answer at once.
    """
    strategy: Strategy
    """
    In stop-entry: orders that would open or grow a position are not placed; exits are.
    """
    stopEntry: Boolean!
    """
    Set while a feed it reads is unhealthy (stale, a gap, a jump past the band): its entries are
    refused, its exits go on, its strategy reads ctx.dataHealthy === false. Null when healthy.
    """
    dataHealth: LiveDataHealth
    """
    Its latest parity check against its backtest replay (on a schedule and at each restart or
    resume); null before the first.
    """
    parity: LiveParity
  }

  """
  A live run's unhealthy feeds (GET /live-strategies/{id} dataHealth).
  """
  type LiveDataHealth {
    """
    Always false: the field is null while every feed is healthy.
    """
    healthy: Boolean!
    feeds: [LiveFeedHealth!]!
  }

  type LiveFeedHealth {
    symbol: String!
    interval: String!
    healthy: Boolean!
    """
    stale, gap or jump
    """
    problem: String
    """
    What was seen, in words.
    """
    detail: String
    """
    When it turned unhealthy (epoch ms).
    """
    since: Float
  }

  """
  A live run's latest parity check: its decisions against its backtest replay's.
  """
  type LiveParity {
    checkedAt: Float!
    """
    identical or diverged
    """
    state: String!
    """
    Decisions the live run made in the window checked.
    """
    decisions: Int!
    """
    The first decision that differs; null when identical.
    """
    firstDivergence: ParityDivergence
  }

  type ParityDivergence {
    """
    Its number, from 1.
    """
    decision: Int!
    """
    The first field that differs (or missing on one side).
    """
    field: String!
    live: ParityDecision
    replay: ParityDecision
  }

  """
  One order decision: as the live run journaled it or as the replay recorded it.
  """
  type ParityDecision {
    candleCloseTime: Float!
    symbol: String!
    side: String!
    type: String!
    """
    A percent order's quantity as sized from the run's equity.
    """
    quantity: Float!
    percent: Float
    price: Float
  }

  type LiveRunEdge {
    cursor: String!
    node: LiveRun!
  }

  type LiveRunConnection {
    edges: [LiveRunEdge!]!
    nodes: [LiveRun!]!
    pageInfo: PageInfo!
  }

  """
  A paper portfolio (its id is its owner's user id).
  """
  type Portfolio {
    id: ID!
    cash: Float!
    equity: Float!
    dayStartEquity: Float!
    positions: [Position!]!
    orders(status: OrderListStatus = OPEN, first: Int, after: String): OrderConnection!
    """
    Oldest first: the last day, week or month (range, one point per 5 min / 30 min / 2 h),
    or else at most limit points (default 200, at most 1,000).
    """
    equityHistory(limit: Int = 200, range: EquityRange): [EquityPoint!]!
    risk: RiskView!
    """
    The live strategy runs on this portfolio; loaded for every portfolio of the answer at once.
    """
    liveRuns: [LiveRun!]!
  }

  type PortfolioEdge {
    cursor: String!
    node: Portfolio!
  }

  type PortfolioConnection {
    edges: [PortfolioEdge!]!
    nodes: [Portfolio!]!
    pageInfo: PageInfo!
  }

  input PlaceOrderInput {
    symbol: String!
    """
    buy or sell
    """
    side: String!
    """
    market (default), limit or stop; limit and stop need a price.
    """
    type: String
    quantity: Float!
    price: Float
  }

  """
  REST's error shape for an order the venue or a risk limit refused: the order is still answered.
  """
  type OrderRejection {
    """
    STRATEGY_BROKER_ORDER_REJECTED
    """
    code: String!
    message: String!
    reason: String
  }

  type PlaceOrderPayload {
    order: Order!
    """
    Set when the order was refused (status rejected), as REST's 422 answer carries it.
    """
    rejection: OrderRejection
  }

  extend type Query {
    """
    The caller's portfolios (scope portfolio:read).
    """
    portfolios(first: Int, after: String): PortfolioConnection
    """
    One portfolio (scope portfolio:read); another user's is STRATEGY_PORTFOLIO_NOT_FOUND, as on REST.
    """
    portfolio(id: ID!): Portfolio
    """
    The caller's live strategy runs (scope portfolio:read).
    """
    liveRuns(first: Int, after: String): LiveRunConnection
    """
    One live run (scope portfolio:read); another user's is STRATEGY_LIVE_NOT_FOUND.
    """
    liveRun(id: ID!): LiveRun
  }

  extend type Mutation {
    """
    Places a manual order at the portfolio's venue (scope portfolio:write). idempotencyKey is REST's Idempotency-Key:
    a retry with the same key and order answers the first order. A market order answers accepted
    (status new) and fills at the next trade or closed candle after it, at that price.
    """
    placeOrder(portfolioId: ID!, idempotencyKey: String!, input: PlaceOrderInput!): PlaceOrderPayload
    """
    Cancels a working order (scope portfolio:write).
    """
    cancelOrder(portfolioId: ID!, clientOrderId: ID!, symbol: String!): Order
    """
    Pauses a live run (scope portfolio:write).
    """
    pauseLiveRun(id: ID!): LiveRun
    """
    Resumes a paused live run from the next candle (scope portfolio:write).
    """
    resumeLiveRun(id: ID!): LiveRun
  }
`;
