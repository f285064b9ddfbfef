/**
 * @module The live runs' Prometheus series (the Grafana "Strategies" dashboard reads them;
 * deploy/test/metrics-exported.int.test.ts fails when a dashboard names one nothing registers).
 * Their names kept the `tickline_strategy_` prefix when live runs moved to this package: the
 * dashboards and alerts query them. Labels are closed sets — state, side, a code from the
 * catalogue — never a strategy or user id, so a series count does not grow with users.
 */
import { Counter, Gauge, getOrCreateMetric, Histogram, type Registry } from '@tickline/kernel';

export type LiveMetrics = ReturnType<typeof liveMetrics>;

export function liveMetrics(registry: Registry) {
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
  };
}

/** Sets the runs gauge from `runs` (after a run started, stopped or changed state). */
export function countRuns(metrics: LiveMetrics, runs: Iterable<{ status: { state: string } }>): void {
  let running = 0;
  let paused = 0;
  for (const run of runs)
    if (run.status.state === 'running') running++;
    else paused++;
  metrics.liveRuns.set({ state: 'running' }, running);
  metrics.liveRuns.set({ state: 'paused' }, paused);
}
