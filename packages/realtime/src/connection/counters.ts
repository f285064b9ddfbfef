/** @module Plain counters on the delivery path; Prometheus reads them at scrape time (see gateway metrics). */

/**
 * The transports: the gateway's own two, and GraphQL subscriptions over graphql-ws, whose frames
 * Mercurius writes but whose connections the gateway admits and counts (external-connection.ts).
 */
export const Transport = { sse: 'sse', ws: 'ws', graphql: 'graphql' } as const;
export type Transport = (typeof Transport)[keyof typeof Transport];

/** Per-transport totals. Incremented per delivery, so plain fields, not labelled metric calls. */
export interface TransportCounters {
  /** Open connections. */
  connections: number;
  /** Event messages written (live and replayed). */
  messages: number;
  /** Bytes written, control frames included. */
  bytes: number;
  /** Connections closed with RT_SLOW_CONSUMER. */
  slowConsumerDisconnects: number;
  /** Messages replaced by a newer one on the same channel for a congested client. */
  coalesced: number;
}

/** Totals of one gateway. */
export interface GatewayCounters {
  sse: TransportCounters;
  ws: TransportCounters;
  graphql: TransportCounters;
  /** Subscribes with a last event id whose gap the history filled. */
  resumeHits: number;
  /** Subscribes with a last event id that needed a reset. */
  resumeMisses: number;
}

export function createGatewayCounters(): GatewayCounters {
  const transport = (): TransportCounters => ({
    connections: 0,
    messages: 0,
    bytes: 0,
    slowConsumerDisconnects: 0,
    coalesced: 0,
  });
  return { sse: transport(), ws: transport(), graphql: transport(), resumeHits: 0, resumeMisses: 0 };
}
