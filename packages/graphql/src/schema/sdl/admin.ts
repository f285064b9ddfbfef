/** @module For admins: zones, players and consumer lag (as /api/v1/admin; an API key needs `admin`). */
export const ADMIN_SDL = /* GraphQL */ `
  type Zone {
    zoneId: ID!
    ccu: Int!
    tick: Int!
    tickP50Ms: Float
    tickP99Ms: Float
    overruns: Int!
    """
    ok, paused or draining
    """
    health: String!
  }

  type PlayerPosition {
    x: Float!
    y: Float!
  }

  type Player {
    playerId: ID!
    """
    { email, role, tier } of the account, when it has one.
    """
    profile: JSON
    online: Boolean!
    zoneId: String
    position: PlayerPosition
    firstSeenAt: String
    lastSeenAt: String
  }

  type PlayerEdge {
    cursor: String!
    node: Player!
  }

  type PlayerConnection {
    edges: [PlayerEdge!]!
    nodes: [Player!]!
    pageInfo: PageInfo!
  }

  """
  A durable consumer's position on the event log.
  """
  type ConsumerLag {
    name: String!
    acked: Int!
    """
    Events behind the log's head.
    """
    lag: Int!
  }

  extend type Query {
    """
    Zones with CCU, tick p50/p99 and health (admins).
    """
    zones: [Zone!]
    """
    Players by id or email, most recently seen first, at most 500 (admins; each lookup is audited).
    """
    players(query: String, online: Boolean, first: Int, after: String): PlayerConnection
    """
    The event log's consumers and how far behind its head each is (admins).
    """
    consumerLag: [ConsumerLag!]
  }
`;
