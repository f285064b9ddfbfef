/**
 * @module The schema's types (SDL). Lists are Relay connections; fields that need a credential say
 * which scope in their description, as REST's routes do.
 */
export const SDL = /* GraphQL */ `
  """
  Relay page information; totalCount is the whole list's length.
  """
  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
    totalCount: Int!
  }

  """
  Who called: a signed-in user, or an API key acting for its user.
  """
  type Account {
    userId: ID!
    role: String!
    """
    user or api_key
    """
    kind: String!
    """
    An API key's scopes; null for a signed-in user (every scope the role allows).
    """
    scopes: [String!]
  }

  type ApiKey {
    id: ID!
    name: String!
    prefix: String!
    scopes: [String!]!
    createdAt: String!
    expiresAt: String
    lastUsedAt: String
    revokedAt: String
  }

  type ApiKeyEdge {
    cursor: String!
    node: ApiKey!
  }

  type ApiKeyConnection {
    edges: [ApiKeyEdge!]!
    nodes: [ApiKey!]!
    pageInfo: PageInfo!
  }

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

  type Market {
    symbol: String!
    ticker: Ticker!
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
    ticker: Ticker
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

  type StrategyVersion {
    version: Int!
    language: String!
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
    """
    Oldest first; loaded for a whole page of strategies at once.
    """
    versions: [StrategyVersion!]!
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

  type Query {
    """
    The caller (any credential). Fields that need one are nullable, so a refusal fails alone.
    """
    me: Account
    """
    The caller's API keys, never the keys themselves (any credential, as GET /api/v1/api-keys).
    """
    apiKeys(first: Int, after: String): ApiKeyConnection
    """
    The caller's portfolios (scope portfolio:read).
    """
    portfolios(first: Int, after: String): PortfolioConnection
    """
    One portfolio (scope portfolio:read); another user's is STRATEGY_PORTFOLIO_NOT_FOUND, as on REST.
    """
    portfolio(id: ID!): Portfolio
    """
    The caller's strategies (scope strategies:read).
    """
    strategies(first: Int, after: String): StrategyConnection
    """
    Markets collected or stored (public).
    """
    markets(first: Int, after: String): MarketConnection!
    """
    One market's ticker (public); MARKET_SYMBOL_NOT_FOUND for an unknown symbol.
    """
    ticker(symbol: String!): Ticker!
  }
`;
