/** @module The metrics every supervised sandbox process reports, shared by the pool and resident processes. */
import { Counter, Gauge, getOrCreateMetric, type Registry } from '@tickline/kernel';

export type SandboxMetrics = ReturnType<typeof sandboxMetrics>;

export function sandboxMetrics(registry: Registry) {
  return {
    kills: getOrCreateMetric(
      registry,
      'tickline_sandbox_kills_total',
      () =>
        new Counter({
          name: 'tickline_sandbox_kills_total',
          help: 'Sandbox processes killed by the supervisor, by pool and reason',
          labelNames: ['pool', 'reason'],
          registers: [registry],
        }),
    ),
    processes: getOrCreateMetric(
      registry,
      'tickline_sandbox_processes',
      () =>
        new Gauge({
          name: 'tickline_sandbox_processes',
          help: 'Sandbox processes ready to serve, by pool',
          labelNames: ['pool'],
          registers: [registry],
        }),
    ),
    calls: getOrCreateMetric(
      registry,
      'tickline_sandbox_calls_total',
      () =>
        new Counter({
          name: 'tickline_sandbox_calls_total',
          help: 'Calls answered by sandbox processes, by pool and outcome (ok, error, fault, killed)',
          labelNames: ['pool', 'outcome'],
          registers: [registry],
        }),
    ),
  };
}
