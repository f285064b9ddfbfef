/** @module The in-app inbox and the notification rules (scopes as /api/v1/notifications). */
export const NOTIFY_SDL = /* GraphQL */ `
  type InboxEntry {
    id: ID!
    kind: String!
    title: String!
    body: String!
    data: JSON!
    createdAt: String!
    readAt: String
  }

  type InboxEntryEdge {
    cursor: String!
    node: InboxEntry!
  }

  type InboxConnection {
    edges: [InboxEntryEdge!]!
    nodes: [InboxEntry!]!
    pageInfo: PageInfo!
    unread: Int!
  }

  type NotificationRule {
    kind: String!
    channels: [String!]!
    urgent: Boolean!
    """
    No rule stored: the tier's default applies.
    """
    isDefault: Boolean!
  }

  type NotificationRules {
    rules: [NotificationRule!]!
    """
    email, locale, timeZone, quietHours, rateLimitPerHour… (as GET /notification-rules).
    """
    settings: JSON!
  }

  extend type Query {
    """
    The inbox, newest first (scope notifications:read); first at most 100.
    """
    notifications(first: Int, after: String, unread: Boolean): InboxConnection
    """
    The notification rules and settings (scope notifications:read).
    """
    notificationRules: NotificationRules
  }

  extend type Mutation {
    """
    Marks one inbox entry read (scope notifications:write).
    """
    markNotificationRead(id: ID!): Boolean
    """
    Marks every entry read; answers how many were unread (scope notifications:write).
    """
    markAllNotificationsRead: Int
  }
`;
