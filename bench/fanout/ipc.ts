/** @module What the benchmark's load generator and its server child say to each other over IPC. */

/**
 * The servers compared in one run: seven in one process each (Tickline's GraphQL subscriptions
 * over graphql-ws among them, with shared and with distinct subscription ids), and Tickline's real gateway as K
 * `tickline start --role gateway` processes on one port fed through NATS (`-multi`).
 */
export const IMPLS = [
  'tickline-ws',
  'tickline-sse',
  'raw-ws',
  'raw-sse',
  'socketio',
  'tickline-graphql',
  'tickline-graphql-ids',
  'tickline-ws-multi',
  'tickline-sse-multi',
] as const;
export type Impl = (typeof IMPLS)[number];
/** What a client speaks: the multi-process rows speak Tickline's protocol like the in-process ones. */
export type Wire = Exclude<Impl, 'tickline-ws-multi' | 'tickline-sse-multi'>;

/**
 * Tickline's GraphQL subscriptions: `-ids` with a random id per subscription, as graphql-ws's own
 * client picks them, where the plain row's clients all use `"1"` (and share whole frames).
 */
export const isGraphql = (wire: Wire): wire is 'tickline-graphql' | 'tickline-graphql-ids' =>
  wire === 'tickline-graphql' || wire === 'tickline-graphql-ids';

export const isMulti = (impl: Impl): impl is 'tickline-ws-multi' | 'tickline-sse-multi' =>
  impl.endsWith('-multi');

export function wireOf(impl: Impl): Wire {
  if (impl === 'tickline-ws-multi') return 'tickline-ws';
  if (impl === 'tickline-sse-multi') return 'tickline-sse';
  return impl;
}

/** The channel every subscriber of the Tickline peers listens to. */
export const BENCH_CHANNEL = 'market:BTC-USD:trades';

export type ToServer =
  | { type: 'mem' }
  | { type: 'snapshot'; dir: string }
  | { type: 'run'; rate: number; warmupMs: number; windowMs: number }
  | { type: 'stop' };

export type FromServer =
  | { type: 'ready'; port: number; cookie: string | undefined }
  | { type: 'mem'; rss: number; heapUsed: number }
  /** A heap snapshot written after a full collection (BENCH_HEAP_SNAPSHOTS). */
  | { type: 'snapshot'; file: string }
  | {
      type: 'window';
      /** Broadcasts `firstSeq..lastSeq` fell in the measured window. */
      firstSeq: number;
      lastSeq: number;
      cpuUs: number;
      elapsedMs: number;
      /** Synchronous time of one broadcast call (the write loop), p50/p99 in ms. */
      fanoutP50Ms: number;
      fanoutP99Ms: number;
      /** Longest event-loop stall seen during the window (perf_hooks), ms. */
      loopDelayMaxMs: number;
    };
