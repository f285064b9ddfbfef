/** @module The consumer runner's Prometheus series, labelled by consumer name. */
import { Counter, Gauge, getOrCreateMetric, Histogram, type Registry } from '@tickline/kernel';

/** The series one consumer writes. */
export interface ConsumerMetrics {
  processed: Counter.Internal;
  failed: Counter.Internal;
  deadLetters: Counter.Internal;
  duplicates: Counter.Internal;
  /** By error code. */
  decodeErrors: (code: string) => void;
  lag: Gauge.Internal<'consumer'>;
  batchSeconds: Histogram.Internal<'consumer'>;
}

function counter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
): Counter<L> {
  return getOrCreateMetric(
    registry,
    name,
    () => new Counter({ name, help, labelNames, registers: [registry] }),
  );
}

/** Registers (or reuses) the series for `consumer`. */
export function createConsumerMetrics(registry: Registry, consumer: string): ConsumerMetrics {
  const labels = { consumer };
  const byConsumer = (name: string, help: string) =>
    counter(registry, name, help, ['consumer']).labels(labels);
  const decodeErrors = counter(
    registry,
    'tickline_consumer_decode_errors_total',
    'Records that could not be decoded or validated, by error code; dead-lettered without retries.',
    ['consumer', 'code'],
  );
  const lag = getOrCreateMetric(
    registry,
    'tickline_consumer_lag',
    () =>
      new Gauge({
        name: 'tickline_consumer_lag',
        help: 'Records in the log after the consumer checkpoint (refreshed periodically).',
        labelNames: ['consumer'],
        registers: [registry],
      }),
  );
  const batchSeconds = getOrCreateMetric(
    registry,
    'tickline_consumer_batch_duration_seconds',
    () =>
      new Histogram({
        name: 'tickline_consumer_batch_duration_seconds',
        help: 'Time to process one fetched batch: decode, dedupe, handle (with retries), dead letters, ack.',
        labelNames: ['consumer'],
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers: [registry],
      }),
  );
  return {
    processed: byConsumer('tickline_consumer_processed_total', 'Events handled successfully.'),
    failed: byConsumer('tickline_consumer_failed_total', 'Handler calls that threw (each attempt counts).'),
    deadLetters: byConsumer('tickline_consumer_dead_letters_total', 'Records sent to the dead-letter log.'),
    duplicates: byConsumer(
      'tickline_consumer_duplicates_total',
      'Events skipped because their id was processed.',
    ),
    decodeErrors: (code) => decodeErrors.inc({ consumer, code }),
    lag: lag.labels(labels),
    batchSeconds: batchSeconds.labels(labels),
  };
}
