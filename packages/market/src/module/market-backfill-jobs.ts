/**
 * @module Scheduled backfills (`market.jobs.backfill`, a cron expression; empty turns them off):
 * one job per network source, asking its venue's REST API for the closed 1m candles of every
 * subscribed symbol since the last successful run (the first run looks back an hour). The candles
 * come back on the source's own stream, so the collector publishes them as venue candles and the
 * candle projection stores them — the same path as the backfill after a live gap, on a schedule,
 * for what a gap the source could not see (a process that was down) left behind.
 */
import type { CollectorSource } from '../collector/collector.ts';
import { backfillJob } from '../jobs/backfill-job.ts';
import type { JobDefinition } from '../jobs/job-types.ts';
import { WebSocketSource } from '../sources/network/websocket-source.ts';

/** The backfill jobs of the configured sources; none when `schedule` is empty. */
export function createBackfillJobs(sources: readonly CollectorSource[], schedule: string): JobDefinition[] {
  if (schedule.trim() === '') return [];
  return sources.flatMap(({ source, symbols }): JobDefinition[] => {
    if (!(source instanceof WebSocketSource)) return [];
    return [
      backfillJob({
        name: `backfill-${source.name}`,
        schedule,
        async backfill({ fromMs, toMs }) {
          const before = source.stats.backfillCandles;
          for (const symbol of symbols) source.requestBackfill(symbol, fromMs, toMs);
          await source.backfillsSettled();
          return { symbols: symbols.length, candles: source.stats.backfillCandles - before };
        },
      }),
    ];
  });
}
