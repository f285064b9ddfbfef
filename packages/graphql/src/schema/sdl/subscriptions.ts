/**
 * @module Live data over graphql-ws, fed by the realtime hub: each subscription is a channel of the
 * WebSocket API with its access rule (market channels public with market:read for keys; the
 * caller's own user channel; a strategy's signals for its owner), resume (\`after\`) and
 * slow-consumer policy, and a connection counts against the caller's stream limit.
 */
export const SUBSCRIPTION_SDL = /* GraphQL */ `
  """
  The throttled ticker of a symbol (channel market:{symbol}:ticker).
  """
  type TickerUpdate {
    symbol: String!
    last: Float!
    lastSize: Float!
    lastSide: String!
    lastTradeAt: Float!
    stats24h: Stats24h
  }

  type TickerEvent implements StreamEvent {
    eventId: ID!
    type: String!
    ticker: TickerUpdate
  }

  type CandleEvent implements StreamEvent {
    eventId: ID!
    """
    market.candle.updated (forming) or market.candle.closed
    """
    type: String!
    candle: Candle
  }

  type SignalEvent implements StreamEvent {
    eventId: ID!
    type: String!
    signal: Signal
  }

  """
  An order's lifecycle: order.placed, order.filled (once per execution), order.cancelled,
  order.rejected.
  """
  type OrderEvent implements StreamEvent {
    eventId: ID!
    type: String!
    portfolioId: ID
    clientOrderId: ID
    symbol: String
    side: String
    orderType: String
    quantity: Float
    price: Float
    """
    The execution of an order.filled.
    """
    fill: OrderFill
    filledQuantity: Float
    remainingQuantity: Float
    averagePrice: Float
    """
    Why an order.rejected was refused.
    """
    reason: String
    detail: String
  }

  type InboxEvent implements StreamEvent {
    eventId: ID!
    """
    notification.inbox.added
    """
    type: String!
    entry: InboxEntry
    """
    Unread entries after it.
    """
    unread: Int
  }

  """
  backtest.progress (progress, barsDone, barsTotal) or backtest.completed (status, summary, error).
  """
  type BacktestEvent implements StreamEvent {
    eventId: ID!
    type: String!
    backtestId: ID
    strategyId: ID
    version: Int
    progress: Float
    barsDone: Int
    barsTotal: Int
    """
    succeeded, failed or cancelled (backtest.completed)
    """
    status: String
    """
    { totalReturn, maxDrawdown, sharpe, trades, finalEquity } of a succeeded run.
    """
    summary: JSON
    error: RunError
  }

  extend type Subscription {
    """
    A symbol's throttled ticker (public; an API key needs market:read).
    """
    ticker(symbol: String!, after: ID): TickerEvent!
    """
    A symbol's candles of one interval, forming updates and closes (public; an API key needs market:read).
    """
    candles(symbol: String!, interval: String!, after: ID): CandleEvent!
    """
    A strategy's live signals (its owner, or an admin; an API key needs signals:read).
    """
    signals(strategyId: ID!, after: ID): SignalEvent!
    """
    The caller's order updates (the caller's own channel; an API key needs portfolio:read).
    """
    orderUpdates(after: ID): OrderEvent!
    """
    New entries of the caller's inbox (an API key needs notifications:read).
    """
    inbox(after: ID): InboxEvent!
    """
    Progress and completion of the caller's backtests, or of one (an API key needs strategies:read).
    """
    backtestProgress(backtestId: ID, after: ID): BacktestEvent!
  }
`;
