/**
 * @module Keeps a portfolio's equity history bounded: one point a minute for the last day, one per
 * 15 minutes for the week, one an hour for the month, one a day for the year, nothing older — about
 * 2,900 rows per portfolio at most, whatever it trades. Each pass keeps the last point of every
 * bucket (the figure at its end) and deletes the rest; a pass is idempotent, so every strategy
 * process may run it.
 */
import { createBeatService, type Service } from '@tickline/kernel';
import type { SqlQueryable } from '@tickline/store';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** From this age on, one point per `bucketMs`. */
export const EQUITY_TIERS: ReadonlyArray<{ olderThanMs: number; bucketMs: number }> = [
  { olderThanMs: DAY, bucketMs: 15 * MINUTE },
  { olderThanMs: 7 * DAY, bucketMs: HOUR },
  { olderThanMs: 31 * DAY, bucketMs: DAY },
];
/** Points older than this are gone. */
export const EQUITY_KEPT_MS = 366 * DAY;

/**
 * One compaction pass at `now`; resolves with the rows deleted. `since`: the time of the previous
 * pass — only points that crossed into a coarser tier since then (and the bucket they share with
 * older ones) are looked at, so a pass costs what changed, not the whole history. Without it the
 * whole history is looked at (the first pass after a start).
 */
export async function compactEquityHistory(sql: SqlQueryable, now: number, since?: number): Promise<number> {
  let deleted = 0;
  for (const tier of EQUITY_TIERS) {
    const cutoff = now - tier.olderThanMs;
    const from = since === undefined ? 0 : since - tier.olderThanMs - tier.bucketMs;
    const { rowCount } = await sql.query(
      `delete from portfolio_equity e
       where e.at_ms < $1 and e.at_ms >= $3 and exists (
         select 1 from portfolio_equity f
         where f.portfolio_id = e.portfolio_id and f.at_ms > e.at_ms and f.at_ms < $1
           and floor(f.at_ms / $2) = floor(e.at_ms / $2))`,
      [cutoff, tier.bucketMs, from],
    );
    deleted += rowCount ?? 0;
  }
  const { rowCount } = await sql.query('delete from portfolio_equity where at_ms < $1', [
    now - EQUITY_KEPT_MS,
  ]);
  return deleted + (rowCount ?? 0);
}

/** The compaction every `intervalMs` (default 10 minutes). */
export function createEquityCompaction(
  sql: SqlQueryable,
  now: () => number,
  intervalMs = 10 * MINUTE,
): Service {
  let last: number | undefined;
  return createBeatService({
    name: 'strategy-equity-compaction',
    intervalMs,
    beat: async () => {
      const at = now();
      await compactEquityHistory(sql, at, last);
      last = at;
    },
  });
}
