/** @module Types every part of the schema shares: the root types, JSON, pages and run errors. */
export const COMMON_SDL = /* GraphQL */ `
  """
  Any JSON value, shaped as REST answers it (documented per field).
  """
  scalar JSON

  type Query
  type Mutation
  type Subscription

  """
  Relay page information. totalCount is the whole list's length; null where the list is paged by a
  key and its length is not counted (the inbox).
  """
  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
    totalCount: Int
  }

  """
  Why a job failed: an error code from docs/errors.md and its message.
  """
  type RunError {
    code: String!
    message: String!
  }

  type LogLine {
    """
    Milliseconds since the epoch.
    """
    time: Float!
    text: String!
  }

  """
  Every live event carries its id: pass the last one seen as \`after\` to resume from it. When the
  gap cannot be filled from history, the first event is a \`stream.reset\` with no payload: reload
  the state, then read on.
  """
  interface StreamEvent {
    eventId: ID!
    """
    The event type (\`market.ticker\`, \`order.filled\`…), or \`stream.reset\`.
    """
    type: String!
  }
`;
