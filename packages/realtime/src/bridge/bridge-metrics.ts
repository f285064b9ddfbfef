/**
 * @module The bridge's metrics: what this gateway took from the delivery log, copied from its
 * plain counters at scrape time. `tickline_realtime_log_messages_total` is the figure interest
 * exists to keep small: a gateway receives the messages of its clients' channels, not all.
 */
import { Counter, Gauge, getOrCreateMetric, type Registry } from '@tickline/kernel';
import type { InterestCounters } from './channel-interests.ts';

/** What a bridge counted (its `stats()`); here, beside the metrics that read it. */
export interface EventLogBridgeStats extends InterestCounters {
  appended: number;
  appendDropped: number;
  /** Channels taken from the log now. */
  channels: number;
}

export function registerBridgeMetrics(registry: Registry, stats: () => EventLogBridgeStats): void {
  getOrCreateMetric(
    registry,
    'tickline_realtime_log_messages_total',
    () =>
      new Counter({
        name: 'tickline_realtime_log_messages_total',
        help: 'Messages this gateway received from the real-time delivery log: live as appended, or read from a channel history when interest started.',
        labelNames: ['source'],
        registers: [registry],
        collect(this: Counter) {
          const s = stats();
          this.reset();
          this.inc({ source: 'live' }, s.received);
          this.inc({ source: 'history' }, s.historyReceived);
        },
      }),
  );
  getOrCreateMetric(
    registry,
    'tickline_realtime_interest_channels',
    () =>
      new Gauge({
        name: 'tickline_realtime_interest_channels',
        help: 'Channels this gateway takes from the delivery log (its clients subscribe to them, or did within the grace period).',
        registers: [registry],
        collect(this: Gauge) {
          this.set(stats().channels);
        },
      }),
  );
  getOrCreateMetric(
    registry,
    'tickline_realtime_interest_changes_total',
    () =>
      new Counter({
        name: 'tickline_realtime_interest_changes_total',
        help: 'Channels taken from the delivery log (start), let go after the grace period (drop), or whose start failed (failure).',
        labelNames: ['change'],
        registers: [registry],
        collect(this: Counter) {
          const s = stats();
          this.reset();
          this.inc({ change: 'start' }, s.starts);
          this.inc({ change: 'drop' }, s.drops);
          this.inc({ change: 'failure' }, s.failures);
        },
      }),
  );
}
