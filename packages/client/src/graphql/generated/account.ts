/**
 * @module The GraphQL schema's account types for the SDK. Generated from the server's SDL by
 * `npm run docs:graphql` (packages/graphql/src/docs/client-types.ts); do not edit. A test fails
 * when it drifts from the schema. Pick what a query selects: `Pick<GqlPortfolio, 'id' | 'cash'>`,
 * with `GqlQueryPortfolioArgs` as its variables.
 */
import type { GqlPageInfo } from './common.ts';

/** Who called: a signed-in user, or an API key acting for its user. */
export interface GqlAccount {
  userId: string;
  role: string;
  /** user or api_key */
  kind: string;
  /** An API key's scopes; null for a signed-in user (every scope the role allows). */
  scopes: string[] | null;
}

export interface GqlApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface GqlApiKeyConnection {
  edges: GqlApiKeyEdge[];
  nodes: GqlApiKey[];
  pageInfo: GqlPageInfo;
}

export interface GqlApiKeyEdge {
  cursor: string;
  node: GqlApiKey;
}
