/** @module The publisher's Prometheus series, labelled by publisher name. */
import { Counter, Gauge, getOrCreateMetric, Histogram, type Registry } from '@tickline/kernel';

/** Point-in-time values the gauges read when scraped (so the hot path never touches metrics). */
export interface PublisherGaugeValues {
  queued: number;
  spilled: number;
  inFlight: number;
}

/** Gauge → the publishers whose values it reports; several publishers may share one registry. */
const sources = new WeakMap<Gauge, Map<string, () => number>>();

function scrapedGauge(registry: Registry, name: string, help: string): Gauge<'publisher'> {
  return getOrCreateMetric(registry, name, () => {
    const readers = new Map<string, () => number>();
    const gauge = new Gauge({
      name,
      help,
      labelNames: ['publisher'],
      registers: [registry],
      collect() {
        for (const [publisher, read] of readers) this.set({ publisher }, read());
      },
    });
    sources.set(gauge, readers);
    return gauge;
  });
}

function counter(registry: Registry, name: string, help: string): Counter<'publisher'> {
  return getOrCreateMetric(
    registry,
    name,
    () => new Counter({ name, help, labelNames: ['publisher'], registers: [registry] }),
  );
}

/** The series one publisher writes. */
export interface PublisherMetrics {
  published: Counter.Internal;
  retried: Counter.Internal;
  appendErrors: Counter.Internal;
  spilledTotal: Counter.Internal;
  rejected: Counter.Internal;
  appendSeconds: Histogram.Internal<'publisher'>;
}

/** Registers (or reuses) the series and binds the gauges to `read`. */
export function createPublisherMetrics(
  registry: Registry,
  publisher: string,
  read: () => PublisherGaugeValues,
): PublisherMetrics {
  const gauges: Array<[string, string, keyof PublisherGaugeValues]> = [
    ['tickline_publisher_queued', 'Events waiting in the memory queue.', 'queued'],
    ['tickline_publisher_spilled', 'Events waiting in the spill journal.', 'spilled'],
    ['tickline_publisher_in_flight', 'Events in the append currently in flight.', 'inFlight'],
  ];
  for (const [name, help, field] of gauges) {
    sources.get(scrapedGauge(registry, name, help))?.set(publisher, () => read()[field]);
  }
  const labels = { publisher };
  const appendSeconds = getOrCreateMetric(
    registry,
    'tickline_publisher_append_duration_seconds',
    () =>
      new Histogram({
        name: 'tickline_publisher_append_duration_seconds',
        help: 'Duration of one append call to the event log (successful or not).',
        labelNames: ['publisher'],
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [registry],
      }),
  );
  return {
    published: counter(
      registry,
      'tickline_publisher_published_total',
      'Events acknowledged by the log.',
    ).labels(labels),
    retried: counter(
      registry,
      'tickline_publisher_retried_total',
      'Append attempts that repeated a failed batch.',
    ).labels(labels),
    appendErrors: counter(
      registry,
      'tickline_publisher_append_errors_total',
      'Failed append attempts.',
    ).labels(labels),
    spilledTotal: counter(
      registry,
      'tickline_publisher_spilled_total',
      'Events written to the spill journal.',
    ).labels(labels),
    rejected: counter(
      registry,
      'tickline_publisher_rejected_total',
      'Events refused permanently (unencodable, or rejected by the log as invalid); logged with their id.',
    ).labels(labels),
    appendSeconds: appendSeconds.labels(labels),
  };
}
