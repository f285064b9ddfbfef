/** @module Recovery metrics: how long a zone took to come back, by the source it came back from. */
import { getOrCreateMetric, Histogram, type Registry } from '@tickline/kernel';

const RECOVERY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180];

/** The `tickline_game_recovery_seconds{source}` histogram. */
export function recoveryHistogram(registry: Registry): Histogram<'source'> {
  return getOrCreateMetric(
    registry,
    'tickline_game_recovery_seconds',
    () =>
      new Histogram({
        name: 'tickline_game_recovery_seconds',
        help: 'Time to rebuild a zone on start: loading its snapshot and replaying the events after it, by source (hot, cold, replay).',
        labelNames: ['source'],
        buckets: RECOVERY_BUCKETS,
        registers: [registry],
      }),
  );
}
