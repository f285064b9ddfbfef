/** @module The caller and its API keys. */
export const ACCOUNT_SDL = /* GraphQL */ `
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

  extend type Query {
    """
    The caller (any credential; every other field declares REST's scope for the same data). Fields that need one are nullable, so a refusal fails alone.
    """
    me: Account
    """
    The caller's API keys, never the keys themselves (scope account:manage, as GET /api/v1/api-keys).
    """
    apiKeys(first: Int, after: String): ApiKeyConnection
  }
`;
