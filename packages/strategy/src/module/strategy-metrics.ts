/**
 * @module The strategy domain's Prometheus series (the Grafana "Strategies" dashboard reads them,
 * with the live runs' series of `@tickline/trading`;
 * deploy/test/metrics-exported.int.test.ts fails when a dashboard names one nothing registers).
 * Labels are closed sets — state, side, a code from the catalogue, a status — never a strategy or
 * user id, so a series count does not grow with users.
 */
import { getOrCreateMetric, Histogram, type Registry } from '@tickline/kernel';

export type StrategyMetrics = ReturnType<typeof strategyMetrics>;

export function strategyMetrics(registry: Registry) {
  return {
    backtestDuration: getOrCreateMetric(
      registry,
      'tickline_backtest_duration_seconds',
      () =>
        new Histogram({
          name: 'tickline_backtest_duration_seconds',
          help: 'Wall time of a backtest from its start to its end, by outcome (succeeded, failed, cancelled)',
          labelNames: ['status'],
          buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
          registers: [registry],
        }),
    ),
  };
}
