/**
 * @module Counters for a network source: plain numbers in `health().info` (tests and /sources read
 * them) and, when a registry is given, Prometheus counters labelled by source.
 */
import { Counter, getOrCreateMetric, type Registry } from '@tickline/kernel';

/** What a network source counts. */
export interface NetworkSourceStats {
  /** Frames received (text and binary). */
  frames: number;
  /** Frames that were not JSON or lacked required fields; skipped. */
  malformed: number;
  trades: number;
  candles: number;
  duplicates: number;
  outOfOrder: number;
  /** Sequence or trade-id gaps found. */
  gaps: number;
  /** Connection attempts, and those that never opened. */
  connects: number;
  failedConnects: number;
  /** Open connections that were lost (drop, silence, lifetime, shutdown notice). */
  disconnects: number;
  /** Closes the venue gave for too many requests. */
  rateLimited: number;
  /** Watchdog firings. */
  stale: number;
  venueErrors: number;
  backfillRequests: number;
  backfillCandles: number;
  backfillFailures: number;
}

export type NetworkStat = keyof NetworkSourceStats;

/** A zeroed stats record. */
export function emptyNetworkSourceStats(): NetworkSourceStats {
  return {
    frames: 0,
    malformed: 0,
    trades: 0,
    candles: 0,
    duplicates: 0,
    outOfOrder: 0,
    gaps: 0,
    connects: 0,
    failedConnects: 0,
    disconnects: 0,
    rateLimited: 0,
    stale: 0,
    venueErrors: 0,
    backfillRequests: 0,
    backfillCandles: 0,
    backfillFailures: 0,
  };
}

/** Bumps a stat and its Prometheus twin. */
export class StatsRecorder {
  readonly stats: NetworkSourceStats = emptyNetworkSourceStats();
  readonly #counter: Counter<'source' | 'event'> | undefined;
  readonly #source: string;

  constructor(source: string, registry: Registry | undefined) {
    this.#source = source;
    this.#counter = registry
      ? getOrCreateMetric(
          registry,
          'tickline_market_source_events_total',
          () =>
            new Counter({
              name: 'tickline_market_source_events_total',
              help: 'Network market source events by kind (frames, malformed, duplicates, gaps, reconnects, backfill).',
              labelNames: ['source', 'event'],
              registers: [registry],
            }),
        )
      : undefined;
  }

  add(stat: NetworkStat, n = 1): void {
    this.stats[stat] += n;
    this.#counter?.inc({ source: this.#source, event: stat }, n);
  }
}
