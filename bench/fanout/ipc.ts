/** @module What the benchmark's load generator and its server child say to each other over IPC. */

/** The five servers compared in one run. */
export const IMPLS = ['tickline-ws', 'tickline-sse', 'raw-ws', 'raw-sse', 'socketio'] as const;
export type Impl = (typeof IMPLS)[number];

/** The channel every subscriber of the Tickline peers listens to. */
export const BENCH_CHANNEL = 'market:BTC-USD:trades';

export type ToServer =
  { type: 'mem' } | { type: 'run'; rate: number; warmupMs: number; windowMs: number } | { type: 'stop' };

export type FromServer =
  | { type: 'ready'; port: number; cookie: string | undefined }
  | { type: 'mem'; rss: number; heapUsed: number }
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
