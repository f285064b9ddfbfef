/** @module Prometheus series of the NATS adapter (`tickline_eventlog_nats_*`), labelled by stream. */
import { Counter, Gauge, getOrCreateMetric, type Registry } from '@tickline/kernel';

/** The adapter's series, bound to one stream label. */
export interface NatsMetrics {
  published: { inc(n?: number): void };
  duplicates: { inc(n?: number): void };
  publishErrors: { inc(n?: number): void };
  reconnects: { inc(n?: number): void };
  inflight: { set(n: number): void };
  /** 1 while this process is the active holder of `consumer`, 0 while it is a standby. */
  consumerActive(consumer: string): { set(n: number): void };
}

function counter(registry: Registry, name: string, help: string): Counter<'stream'> {
  return getOrCreateMetric(
    registry,
    name,
    () => new Counter({ name, help, labelNames: ['stream'], registers: [registry] }),
  );
}

/** Creates (or reuses) the series in `registry` and binds them to `stream`. */
export function createNatsMetrics(registry: Registry, stream: string): NatsMetrics {
  const inflight = getOrCreateMetric(
    registry,
    'tickline_eventlog_nats_inflight',
    () =>
      new Gauge({
        name: 'tickline_eventlog_nats_inflight',
        help: 'Publishes awaiting their JetStream ack',
        labelNames: ['stream'],
        registers: [registry],
      }),
  );
  const active = getOrCreateMetric(
    registry,
    'tickline_eventlog_nats_consumer_active',
    () =>
      new Gauge({
        name: 'tickline_eventlog_nats_consumer_active',
        help: 'Whether this process holds the consumer lease (1) or stands by (0)',
        labelNames: ['stream', 'consumer'],
        registers: [registry],
      }),
  );
  const labels = { stream };
  return {
    consumerActive: (consumer) => active.labels({ stream, consumer }),
    published: counter(
      registry,
      'tickline_eventlog_nats_published_total',
      'Records stored by JetStream',
    ).labels(labels),
    duplicates: counter(
      registry,
      'tickline_eventlog_nats_duplicates_total',
      'Publishes JetStream dropped as duplicates of a stored id',
    ).labels(labels),
    publishErrors: counter(
      registry,
      'tickline_eventlog_nats_publish_errors_total',
      'Publishes that failed or timed out (the caller retries with the same id)',
    ).labels(labels),
    reconnects: counter(
      registry,
      'tickline_eventlog_nats_reconnects_total',
      'Reconnections to a NATS server',
    ).labels(labels),
    inflight: inflight.labels(labels),
  };
}
