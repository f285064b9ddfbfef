/**
 * @module The GraphQL schema's admin types for the SDK. Generated from the server's SDL by
 * `npm run docs:graphql` (packages/graphql/src/docs/client-types.ts); do not edit. A test fails
 * when it drifts from the schema. Pick what a query selects: `Pick<GqlPortfolio, 'id' | 'cash'>`,
 * with `GqlQueryPortfolioArgs` as its variables.
 */
import type { GqlPageInfo } from './common.ts';

/** A durable consumer's position on the event log. */
export interface GqlConsumerLag {
  name: string;
  acked: number;
  /** Events behind the log's head. */
  lag: number;
}

export interface GqlPlayer {
  playerId: string;
  /** { email, role, tier } of the account, when it has one. */
  profile: unknown;
  online: boolean;
  zoneId: string | null;
  position: GqlPlayerPosition | null;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
}

export interface GqlPlayerConnection {
  edges: GqlPlayerEdge[];
  nodes: GqlPlayer[];
  pageInfo: GqlPageInfo;
}

export interface GqlPlayerEdge {
  cursor: string;
  node: GqlPlayer;
}

export interface GqlPlayerPosition {
  x: number;
  y: number;
}

export interface GqlZone {
  zoneId: string;
  ccu: number;
  tick: number;
  tickP50Ms: number | null;
  tickP99Ms: number | null;
  overruns: number;
  /** ok, paused or draining */
  health: string;
}
