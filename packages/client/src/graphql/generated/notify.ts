/**
 * @module The GraphQL schema's notify types for the SDK. Generated from the server's SDL by
 * `npm run docs:graphql` (packages/graphql/src/docs/client-types.ts); do not edit. A test fails
 * when it drifts from the schema. Pick what a query selects: `Pick<GqlPortfolio, 'id' | 'cash'>`,
 * with `GqlQueryPortfolioArgs` as its variables.
 */
import type { GqlPageInfo } from './common.ts';

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
