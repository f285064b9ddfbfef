/**
 * @module Job runs in `market_job_runs` (migration 0004): a recorder for the scheduler, so runs
 * outlive the process and several collectors' runs can be seen together, and a query for them.
 */
import type { Sql, SqlQueryable, SqlValue } from '@tickline/store';
import { clampLimit } from '../storage/queries.ts';
import type { JobRun, JobRunRecorder, JobRunStatus, JobTrigger } from './job-types.ts';

/** Records each run as a row: inserted as `running` when it starts, completed when it ends. */
export function createSqlJobRunRecorder(sql: Sql): JobRunRecorder {
  return {
    async started(run) {
      const { rows } = await sql.query<{ id: number }>(
        `insert into market_job_runs (job, started_at, status, details)
         values ($1, $2, $3, $4) returning id`,
        [run.job, new Date(run.startedAt), run.status, { trigger: run.trigger }],
      );
      return rows[0]?.id;
    },
    recent: (job, limit) => queryJobRuns(sql, { job, limit }),
    async finished(handle, run) {
      if (handle === undefined) return;
      await sql.query(
        `update market_job_runs set finished_at = $2, status = $3, error = $4, details = $5 where id = $1`,
        [
          handle as number,
          new Date(run.finishedAt ?? run.startedAt),
          run.status,
          run.error ?? null,
          { trigger: run.trigger, durationMs: run.durationMs, ...run.details },
        ],
      );
    },
  };
}

interface Row {
  job: string;
  started_at: Date;
  finished_at: Date | null;
  status: JobRunStatus;
  error: string | null;
  details: (Record<string, unknown> & { trigger?: JobTrigger; durationMs?: number }) | null;
}

/** Recorded runs, newest first; `job` narrows to one job. */
export async function queryJobRuns(
  sql: SqlQueryable,
  query: { job?: string; limit?: number } = {},
): Promise<JobRun[]> {
  const params: SqlValue[] = [];
  if (query.job !== undefined) params.push(query.job);
  params.push(clampLimit(query.limit));
  const { rows } = await sql.query<Row>(
    `select job, started_at, finished_at, status, error, details from market_job_runs
     ${query.job === undefined ? '' : 'where job = $1'}
     order by started_at desc, id desc limit $${params.length}`,
    params,
  );
  return rows.map((r) => {
    const { trigger, durationMs, ...details } = r.details ?? {};
    return {
      job: r.job,
      trigger: trigger ?? 'schedule',
      status: r.status,
      startedAt: r.started_at.getTime(),
      ...(r.finished_at ? { finishedAt: r.finished_at.getTime() } : {}),
      ...(durationMs === undefined ? {} : { durationMs }),
      ...(r.error === null ? {} : { error: r.error }),
      ...(Object.keys(details).length > 0 ? { details } : {}),
    };
  });
}
