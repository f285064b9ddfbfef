/** @module Markets: symbols, tickers, candles and indicators (public, as /api/v1/markets). */
export const MARKET_SDL = /* GraphQL */ `
  type Trade {
    exchange: String!
    symbol: String!
    tradeId: String!
    price: Float!
    size: Float!
    side: String!
    """
    Milliseconds since the epoch, as the venue reports it.
    """
    exchangeTime: Float!
  }

  type Stats24h {
    windowStart: Float!
    open: Float!
    high: Float!
    low: Float!
    close: Float!
    volume: Float!
    quoteVolume: Float!
    trades: Int!
    change: Float!
    changePercent: Float!
  }

  """
  Last trade and 24 h statistics, from the in-memory latest-value store.
  """
  type Ticker {
    symbol: String!
    last: Trade
    stats24h: Stats24h
  }

  type Candle {
    exchange: String!
    symbol: String!
    interval: String!
    """
    Milliseconds since the epoch.
    """
    openTime: Float!
    closeTime: Float!
    open: Float!
    high: Float!
    low: Float!
    close: Float!
    volume: Float!
    quoteVolume: Float!
    trades: Int!
    """
    A source disconnect overlapped it: trades may be missing.
    """
    incomplete: Boolean!
    revision: Int!
    """
    False while it is forming.
    """
    closed: Boolean!
  }

  type IndicatorPoint {
    """
    The candle's open time (epoch ms).
    """
    time: Float!
    """
    \`value\`, or the indicator's named lines (macd/signal/histogram, upper/middle/lower, k/d); null
    in the warm-up.
    """
    values: JSON!
  }

  type Indicator {
    name: String!
    interval: String!
    """
    The parameters used (the defaults filled in).
    """
    params: JSON!
    points: [IndicatorPoint!]!
  }

  """
  Where a share is listed: its exchange (US for NYSE / Nasdaq, KS for the Korea Exchange), currency
  and the zone its hours are written in.
  """
  type MarketListing {
    exchange: String!
    name: String!
    currency: String!
    timeZone: String!
  }

  """
  A market's session now, from its exchange's calendar: state open, early-close, closed,
  always-open (a pair) or unknown (a year with no calendar). Times are epoch ms.
  """
  type MarketSession {
    state: String!
    opensAt: Float
    closesAt: Float
    nextOpen: Float
    """
    The session's other hours by name (an early close, a late open).
    """
    special: String
    holiday: String
    detail: String
  }

  type Market {
    symbol: String!
    exchanges: [String!]!
    """
    In market.symbols or named by a configured source (collected by this deployment).
    """
    configured: Boolean!
    lastPrice: Float
    lastTradeAt: Float
    """
    A share's exchange and currency; null for a crypto pair.
    """
    listing: MarketListing
    session: MarketSession!
    ticker: Ticker!
    """
    Candles ascending by open time, forming ones included; interval one of 1s 1m 5m 15m 1h 4h 1d.
    Without from, the latest before to. limit: 500 by default, at most 5,000.
    """
    candles(interval: String = "1m", from: Float, to: Float, limit: Int, exchange: String): [Candle!]!
    """
    An indicator over the stored candles: sma ema wma rsi macd bollinger atr stochastic vwap obv.
    """
    indicator(
      name: String!
      interval: String = "1m"
      period: Int
      fast: Int
      slow: Int
      signal: Int
      stddev: Float
      from: Float
      to: Float
      limit: Int
      exchange: String
    ): Indicator!
  }

  type MarketEdge {
    cursor: String!
    node: Market!
  }

  type MarketConnection {
    edges: [MarketEdge!]!
    nodes: [Market!]!
    pageInfo: PageInfo!
  }

  extend type Query {
    """
    Markets collected or stored (public).
    """
    markets(first: Int, after: String): MarketConnection!
    """
    One market (public); MARKET_SYMBOL_NOT_FOUND for an unknown symbol.
    """
    market(symbol: String!): Market
    """
    One market's ticker (public); MARKET_SYMBOL_NOT_FOUND for an unknown symbol.
    """
    ticker(symbol: String!): Ticker
  }
`;
