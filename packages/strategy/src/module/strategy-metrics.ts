/**
 * @module The strategy domain's Prometheus series (the Grafana "Strategies" dashboard reads them;
 * deploy/test/metrics-exported.int.test.ts fails when a dashboard names one nothing registers).
 * Labels are closed sets — state, side, a code from the catalogue, a status — never a strategy or
 * user id, so a series count does not grow with users.
 */
import { Counter, Gauge, getOrCreateMetric, Histogram, type Registry } from '@tickline/kernel';

export type StrategyMetrics = ReturnType<typeof strategyMetrics>;

export function strategyMetrics(registry: Registry) {
  return {
    liveRuns: getOrCreateMetric(
      registry,
      'tickline_strategy_live_runs',
      () =>
        new Gauge({
          name: 'tickline_strategy_live_runs',
          help: 'Live strategy runs this process runs, by state (running, paused)',
          labelNames: ['state'],
          registers: [registry],
        }),
    ),
    signals: getOrCreateMetric(
      registry,
      'tickline_strategy_signals_total',
      () =>
        new Counter({
          name: 'tickline_strategy_signals_total',
          help: 'Orders live strategy runs placed (strategy.signal events), by side',
          labelNames: ['side'],
          registers: [registry],
        }),
    ),
    evaluation: getOrCreateMetric(
      registry,
      'tickline_strategy_evaluation_seconds',
      () =>
        new Histogram({
          name: 'tickline_strategy_evaluation_seconds',
          help: 'CPU time one live run used deciding one candle in its sandbox process',
          buckets: [
            0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
          ],
          registers: [registry],
        }),
    ),
    sandboxFailures: getOrCreateMetric(
      registry,
      'tickline_strategy_sandbox_failures_total',
      () =>
        new Counter({
          name: 'tickline_strategy_sandbox_failures_total',
          help: 'Live runs paused by their own failure (reason: the error code) or reopened after their sandbox process was lost (SANDBOX_PROCESS_LOST)',
          labelNames: ['reason'],
          registers: [registry],
        }),
    ),
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
