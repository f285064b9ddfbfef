/** @module Prometheus metrics of notify: attempts per channel and outcome, enqueue → delivery latency. */
import { Counter, getOrCreateMetric, Histogram, type Registry } from '@tickline/kernel';

export interface NotifyMetrics {
  attempts: Counter<'channel' | 'outcome'>;
  latency: Histogram<'channel'>;
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
