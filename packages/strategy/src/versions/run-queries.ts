/**
 * @module Backtest runs and their results in SQL: a run created (within the user's quotas, counted
 * under a per-user lock), its progress and its end, and its stored result read back. A module of
 * its own because the run lifecycle changes apart from strategies and versions; that the run's
 * version exists and is the user's is checked by the caller (strategy-repository.ts).
 */
import type { Sql, SqlQueryable, SqlValue } from '@tickline/store';
import {
  resultFrom,
  type Row,
  type RunRecord,
  runFrom,
  type StoredResult,
  UUID,
} from './repository-records.ts';

/** What a new backtest run is created from. */
export interface CreateRunInput {
  id: string;
  userId: string;
  strategyId: string;
  version: number;
  request: Record<string, unknown>;
  now: Date;
}

/** The user's quotas for backtest runs: per day since `since`, and queued or running at once. */
export interface RunQuota {
  since: Date;
  perDay: number;
  concurrent: number;
}

/** A created run, or the quota it would exceed with the user's counts. */
export type RunWithinQuota =
  | { run: RunRecord }
  | { exceeded: 'perDay' | 'concurrent'; since: number; active: number; replaying: number };

const INSERT_RUN = `insert into backtest_runs (id, user_id, strategy_id, version, status, request, created_at)
       values ($1, $2, $3, $4, 'queued', $5, $6) returning *`;

const insertArgs = (input: CreateRunInput): SqlValue[] => [
  input.id,
  input.userId,
  input.strategyId,
  input.version,
  JSON.stringify(input.request),
  input.now,
];

/** Inserts a queued run. */
export async function insertRun(sql: Sql, input: CreateRunInput): Promise<RunRecord> {
  const { rows } = await sql.query<Row>(INSERT_RUN, insertArgs(input));
  return runFrom(rows[0]!);
}

/**
 * Inserts a queued run unless the user is at a quota. Count and insert happen in one transaction
 * under an advisory lock per user, so concurrent requests of one user are counted one after another
 * (a plain count-then-insert lets every request of a burst see the same count).
 */
export async function insertRunWithinQuota(
  sql: Sql,
  input: CreateRunInput,
  quota: RunQuota,
): Promise<RunWithinQuota> {
  return sql.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock(hashtext('tickline.backtest-quota.' || $1))", [
      input.userId,
    ]);
    const counts = await runCounts(tx, input.userId, quota.since);
    if (counts.since >= quota.perDay) return { exceeded: 'perDay', ...counts };
    if (counts.active >= quota.concurrent) return { exceeded: 'concurrent', ...counts };
    const { rows } = await tx.query<Row>(INSERT_RUN, insertArgs(input));
    return { run: runFrom(rows[0]!) };
  });
}

/** The user's run `id`, or undefined. */
export async function findRun(sql: Sql, userId: string, id: string): Promise<RunRecord | undefined> {
  const { rows } = await sql.query<Row>('select * from backtest_runs where id = $1 and user_id = $2', [
    id,
    userId,
  ]);
  return rows.length === 0 ? undefined : runFrom(rows[0]!);
}

/** The user's latest runs, newest first. */
export async function listRuns(sql: Sql, userId: string, limit: number): Promise<RunRecord[]> {
  const { rows } = await sql.query<Row>(
    'select * from backtest_runs where user_id = $1 order by created_at desc, id desc limit $2',
    [userId, limit],
  );
  return rows.map(runFrom);
}

/**
 * Runs created since `since` (the per-day quota) and runs queued or running (the concurrency
 * quota), the version replays (replay-queries.ts) among them: a replay is a backtest too.
 */
export async function runCounts(
  db: SqlQueryable,
  userId: string,
  since: Date,
): Promise<{ since: number; active: number; replaying: number }> {
  const { rows } = await db.query<{
    since: number | string;
    active: number | string;
    replaying: number | string;
  }>(
    `with runs as (
       select count(*) filter (where created_at >= $2) as since,
              count(*) filter (where status in ('queued', 'running')) as active
         from backtest_runs where user_id = $1),
     replays as (
       select count(*) filter (where created_at >= $2) as since,
              count(*) filter (where status = 'running') as active
         from version_replays where user_id = $1)
     select runs.since + replays.since as since, runs.active + replays.active as active,
            replays.active as replaying
       from runs, replays`,
    [userId, since],
  );
  const r = rows[0]!;
  return { since: Number(r.since), active: Number(r.active), replaying: Number(r.replaying) };
}

export async function markRunning(sql: Sql, id: string, now: Date): Promise<void> {
  await sql.query(
    `update backtest_runs set status = 'running', started_at = $2 where id = $1 and status = 'queued'`,
    [id, now],
  );
}

export async function setProgress(sql: Sql, id: string, progress: number): Promise<void> {
  await sql.query(`update backtest_runs set progress = $2 where id = $1 and status = 'running'`, [
    id,
    progress,
  ]);
}

/** Stores the result and marks the run succeeded, in one transaction. */
export async function completeRun(sql: Sql, id: string, result: StoredResult, now: Date): Promise<void> {
  await sql.transaction(async (tx: SqlQueryable) => {
    await tx.query(
      `insert into backtest_results
         (run_id, metrics, trades, trades_truncated, equity, logs, plots, bars, cpu_ms_per_candle, data)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        id,
        JSON.stringify(result.metrics),
        JSON.stringify(result.trades),
        result.tradesTruncated,
        JSON.stringify(result.equity),
        JSON.stringify(result.logs),
        JSON.stringify(result.plots),
        result.bars,
        result.cpuMsPerCandle ?? null,
        result.data === undefined ? null : JSON.stringify(result.data),
      ],
    );
    await tx.query(
      `update backtest_runs set status = 'succeeded', progress = 1, finished_at = $2 where id = $1`,
      [id, now],
    );
  });
}

/** Ends a run as failed or cancelled, with its error (the message cut at 1,000 characters). */
export async function failRun(
  sql: Sql,
  id: string,
  error: { code: string; message: string },
  now: Date,
  status: 'failed' | 'cancelled',
): Promise<void> {
  await sql.query(
    `update backtest_runs set status = $2, error_code = $3, error_message = $4, finished_at = $5 where id = $1`,
    [id, status, error.code, error.message.slice(0, 1_000), now],
  );
}

/**
 * The results of several of the user's runs in one statement (GraphQL's loader for a page of
 * backtests); runs without a result, or not the user's, are absent.
 */
export async function resultsOf(
  sql: Sql,
  userId: string,
  runIds: readonly string[],
): Promise<Map<string, StoredResult>> {
  const found = new Map<string, StoredResult>();
  const ids = runIds.filter((id) => UUID.test(id));
  if (ids.length === 0) return found;
  const { rows } = await sql.query<Row>(
    `select r.* from backtest_results r join backtest_runs b on b.id = r.run_id
      where r.run_id = any($1::uuid[]) and b.user_id = $2`,
    [ids, userId],
  );
  for (const r of rows) found.set(String(r.run_id), resultFrom(r));
  return found;
}

/** The newest measured backtest of a version: its bar loop's CPU per candle (cpu-forecast.ts). */
export async function newestCpuPerCandle(
  sql: Sql,
  userId: string,
  strategyId: string,
  version: number,
): Promise<{ backtestId: string; cpuMsPerCandle: number; bars: number } | undefined> {
  const { rows } = await sql.query<{ id: string; cpu_ms_per_candle: number; bars: number }>(
    `select b.id, r.cpu_ms_per_candle, r.bars from backtest_runs b join backtest_results r on r.run_id = b.id
      where b.user_id = $1 and b.strategy_id = $2 and b.version = $3 and r.cpu_ms_per_candle is not null
      order by b.finished_at desc nulls last, b.id desc limit 1`,
    [userId, strategyId, version],
  );
  const r = rows[0];
  return r === undefined
    ? undefined
    : { backtestId: String(r.id), cpuMsPerCandle: Number(r.cpu_ms_per_candle), bars: Number(r.bars) };
}
