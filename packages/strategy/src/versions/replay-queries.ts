/**
 * @module Replays of a stored version in SQL (`version_replays`): a backtest run for a caller
 * waiting on the answer instead of through the queue — a live run's parity report. Each one is
 * taken within the owner's backtest quotas, under the same per-user lock and counts as the queued
 * runs (run-queries.ts), and at most one runs at a time per user: eleven parallel parity calls
 * once held the shared pool for a neighbour's 1 s backtest to take 96 s.
 */
import type { Sql } from '@tickline/store';
import { runCounts, type RunQuota } from './run-queries.ts';

/** What a replay is begun from. */
export interface BeginReplayInput {
  id: string;
  userId: string;
  strategyId: string;
  version: number;
  /** What the replay is for (`parity`), for operators reading the table. */
  purpose: string;
  now: Date;
}

/** A replay begun, or the quota it would exceed (`concurrent` also for a replay already running). */
export type ReplayWithinQuota =
  { id: string } | { exceeded: 'perDay' | 'concurrent'; since: number; active: number; replaying: number };

/** Replays of one user running at once. */
export const REPLAYS_PER_USER = 1;

/** Begins a replay unless the user is at a quota; counted and inserted under the backtests' lock. */
export async function beginReplayWithinQuota(
  sql: Sql,
  input: BeginReplayInput,
  quota: RunQuota,
): Promise<ReplayWithinQuota> {
  return sql.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock(hashtext('tickline.backtest-quota.' || $1))", [
      input.userId,
    ]);
    const counts = await runCounts(tx, input.userId, quota.since);
    if (counts.since >= quota.perDay) return { exceeded: 'perDay', ...counts };
    if (counts.active >= quota.concurrent || counts.replaying >= REPLAYS_PER_USER)
      return { exceeded: 'concurrent', ...counts };
    await tx.query(
      `insert into version_replays (id, user_id, strategy_id, version, purpose, status, created_at)
       values ($1, $2, $3, $4, $5, 'running', $6)`,
      [input.id, input.userId, input.strategyId, input.version, input.purpose, input.now],
    );
    return { id: input.id };
  });
}

/** Ends a replay: it no longer counts as running (it still counts for its day). */
export async function endReplay(
  sql: Sql,
  id: string,
  status: 'succeeded' | 'failed',
  now: Date,
): Promise<void> {
  await sql.query(`update version_replays set status = $2, finished_at = $3 where id = $1`, [
    id,
    status,
    now,
  ]);
}

/** Marks every running replay failed (see the migration: they were interrupted). */
export async function failRunningReplays(sql: Sql, now: Date): Promise<number> {
  const { rowCount } = await sql.query(
    `update version_replays set status = 'failed', finished_at = $1 where status = 'running'`,
    [now],
  );
  return rowCount ?? 0;
}
