/** @module Prometheus metrics of notify: attempts per channel and outcome, enqueue → delivery latency. */
import { Counter, getOrCreateMetric, Histogram, type Registry } from '@tickline/kernel';

export interface NotifyMetrics {
  attempts: Counter<'channel' | 'outcome'>;
  latency: Histogram<'channel'>;
}

/** What one attempt adds to the metrics. */
export type AttemptObserver = (channel: string, outcome: string, deliveredAfterS?: number) => void;

/**
 * Counts attempts through label children looked up once per (channel, outcome): prom-client
 * hashes the label object on every `inc({…})`, a cost paid per delivery on the hot path.
 */
export function attemptObserver(metrics: NotifyMetrics | undefined): AttemptObserver {
  if (!metrics) return () => {};
  // By channel, then outcome: no key string built per attempt.
  const counters = new Map<string, Map<string, { inc(): void }>>();
  const histograms = new Map<string, { observe(value: number): void }>();
  return (channel, outcome, deliveredAfterS) => {
    let byOutcome = counters.get(channel);
    if (!byOutcome) counters.set(channel, (byOutcome = new Map()));
    let counter = byOutcome.get(outcome);
    if (!counter) byOutcome.set(outcome, (counter = metrics.attempts.labels({ channel, outcome })));
    counter.inc();
    if (deliveredAfterS === undefined) return;
    let histogram = histograms.get(channel);
    if (!histogram) histograms.set(channel, (histogram = metrics.latency.labels({ channel })));
    histogram.observe(deliveredAfterS);
  };
}

export function createNotifyMetrics(registry: Registry): NotifyMetrics {
  return {
    attempts: getOrCreateMetric(
      registry,
      'tickline_notify_attempts_total',
      () =>
        new Counter({
          name: 'tickline_notify_attempts_total',
          help: 'Delivery attempts by channel and outcome',
          labelNames: ['channel', 'outcome'],
          registers: [registry],
        }),
    ),
    latency: getOrCreateMetric(
      registry,
      'tickline_notify_delivery_seconds',
      () =>
        new Histogram({
          name: 'tickline_notify_delivery_seconds',
          help: 'From notification creation to a successful delivery',
          labelNames: ['channel'],
          buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60, 600, 3600],
          registers: [registry],
        }),
    ),
  };
}
