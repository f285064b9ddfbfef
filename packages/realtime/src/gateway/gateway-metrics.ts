/**
 * @module Gateway metrics. The delivery path only bumps plain counters (a labelled prom-client
 * call per delivery would cost as much as the write); these collectors copy them at scrape time.
 */
import { Counter, Gauge, getOrCreateMetric, type Registry } from '@tickline/kernel';
import type { GatewayCounters, TransportCounters } from '../connection/counters.ts';
import type { Hub } from '../hub/hub.ts';

const TRANSPORTS = ['sse', 'ws', 'graphql'] as const;

export function registerGatewayMetrics(registry: Registry, counters: GatewayCounters, hub: Hub): void {
  const perTransport = (
    name: string,
    help: string,
    field: keyof TransportCounters,
    kind: 'counter' | 'gauge',
  ) =>
    getOrCreateMetric(registry, name, () => {
      const config = {
        name,
        help,
        labelNames: ['transport'],
        registers: [registry],
        collect(this: Counter | Gauge) {
          this.reset();
          for (const transport of TRANSPORTS) {
            const value = counters[transport][field];
            if (this instanceof Gauge) this.set({ transport }, value);
            else this.inc({ transport }, value);
          }
        },
      };
      return kind === 'gauge' ? new Gauge(config) : new Counter(config);
    });
  perTransport('tickline_realtime_connections', 'Open real-time connections.', 'connections', 'gauge');
  perTransport(
    'tickline_realtime_messages_out_total',
    'Event messages written to clients.',
    'messages',
    'counter',
  );
  perTransport('tickline_realtime_bytes_out_total', 'Bytes written to clients.', 'bytes', 'counter');
  perTransport(
    'tickline_realtime_slow_consumer_disconnects_total',
    'Connections closed with RT_SLOW_CONSUMER.',
    'slowConsumerDisconnects',
    'counter',
  );
  perTransport(
    'tickline_realtime_coalesced_total',
    'Market messages replaced by a newer one for a congested client.',
    'coalesced',
    'counter',
  );
  getOrCreateMetric(
    registry,
    'tickline_realtime_subscriptions',
    () =>
      new Gauge({
        name: 'tickline_realtime_subscriptions',
        help: 'Channel subscriptions across connections.',
        registers: [registry],
        collect() {
          this.set(hub.subscriberCount());
        },
      }),
  );
  getOrCreateMetric(
    registry,
    'tickline_realtime_published_total',
    () =>
      new Counter({
        name: 'tickline_realtime_published_total',
        help: 'Events published to the hub (local and relayed).',
        registers: [registry],
        collect() {
          this.reset();
          this.inc(hub.stats().published);
        },
      }),
  );
  getOrCreateMetric(
    registry,
    'tickline_realtime_resume_total',
    () =>
      new Counter({
        name: 'tickline_realtime_resume_total',
        help: 'Subscribes with a last event id: hit = gap filled from history, miss = reset sent.',
        labelNames: ['result'],
        registers: [registry],
        collect() {
          this.reset();
          this.inc({ result: 'hit' }, counters.resumeHits);
          this.inc({ result: 'miss' }, counters.resumeMisses);
        },
      }),
  );
}
