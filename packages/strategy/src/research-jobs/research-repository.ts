/**
 * @module Research runs in SQL (`research_runs`): created within the tier's quotas (counted and
 * inserted under one per-user advisory lock, so a burst cannot pass the same count), claimed,
 * progressed and finished by the research queue, read only by their owner.
 */
import { TicklineError } from '@tickline/kernel';
import type { Sql, SqlQueryable } from '@tickline/store';
import type { ResearchKind, ResearchReport } from '../research/research-report.ts';

export type ResearchStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface ResearchRecord {
  id: string;
  userId: string;
  strategyId: string;
  version: number;
  kind: ResearchKind;
  status: ResearchStatus;
  request: Record<string, unknown>;
  progress: number;
  error: { code: string; message: string } | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

type Row = Record<string, unknown>;

const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

function recordFrom(r: Row): ResearchRecord {
  return {
    id: r.id as string,
    userId: r.user_id as string,
    strategyId: r.strategy_id as string,
    version: Number(r.version),
    kind: r.kind as ResearchKind,
    status: r.status as ResearchStatus,
    request: (typeof r.request === 'string' ? JSON.parse(r.request) : r.request) as Record<string, unknown>,
    progress: Number(r.progress),
    error:
      r.error_code === null || r.error_code === undefined
        ? null
        : { code: r.error_code as string, message: (r.error_message as string) ?? '' },
    createdAt: date(r.created_at)!,
    startedAt: date(r.started_at),
    finishedAt: date(r.finished_at),
  };
}

const notFound = (): TicklineError => new TicklineError('STRATEGY_NOT_FOUND', 'research run not found');

export interface ResearchQuota {
  since: Date;
  perDay: number;
  concurrent: number;
}

export class ResearchRepository {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async create(
    input: Omit<
      ResearchRecord,
      'status' | 'progress' | 'error' | 'createdAt' | 'startedAt' | 'finishedAt'
    > & {
      now: Date;
    },
    quota: ResearchQuota,
  ): Promise<{ run: ResearchRecord } | { exceeded: 'perDay' | 'concurrent'; since: number; active: number }> {
    return this.#sql.transaction(async (tx) => {
      await tx.query("select pg_advisory_xact_lock(hashtext('tickline.research-quota.' || $1))", [
        input.userId,
      ]);
      const counts = await this.#counts(tx, input.userId, quota.since);
      if (counts.since >= quota.perDay) return { exceeded: 'perDay', ...counts };
      if (counts.active >= quota.concurrent) return { exceeded: 'concurrent', ...counts };
      const { rows } = await tx.query<Row>(
        `insert into research_runs (id, user_id, strategy_id, version, kind, status, request, created_at)
         values ($1, $2, $3, $4, $5, 'queued', $6, $7) returning *`,
        [
          input.id,
          input.userId,
          input.strategyId,
          input.version,
          input.kind,
          JSON.stringify(input.request),
          input.now,
        ],
      );
      return { run: recordFrom(rows[0]!) };
    });
  }

  async #counts(db: SqlQueryable, userId: string, since: Date): Promise<{ since: number; active: number }> {
    const { rows } = await db.query<{ since: number | string; active: number | string }>(
      `select count(*) filter (where created_at >= $2) as since,
              count(*) filter (where status in ('queued', 'running')) as active
       from research_runs where user_id = $1`,
      [userId, since],
    );
    return { since: Number(rows[0]!.since), active: Number(rows[0]!.active) };
  }

  async get(userId: string, id: string): Promise<ResearchRecord> {
    const { rows } = await this.#sql.query<Row>(
      'select * from research_runs where id = $1 and user_id = $2',
      [id, userId],
    );
    if (rows.length === 0) throw notFound();
    return recordFrom(rows[0]!);
  }

  async list(userId: string, limit: number, strategyId?: string): Promise<ResearchRecord[]> {
    const { rows } = await this.#sql.query<Row>(
      `select * from research_runs where user_id = $1 and ($3::uuid is null or strategy_id = $3)
       order by created_at desc, id desc limit $2`,
      [userId, limit, strategyId ?? null],
    );
    return rows.map(recordFrom);
  }

  /** The stored report of a succeeded run (null otherwise). */
  async report(userId: string, id: string): Promise<ResearchReport | null> {
    const { rows } = await this.#sql.query<{ report: unknown }>(
      'select report from research_runs where id = $1 and user_id = $2',
      [id, userId],
    );
    if (rows.length === 0) throw notFound();
    const r = rows[0]!.report;
    return (typeof r === 'string' ? JSON.parse(r) : r) as ResearchReport | null;
  }

  /**
   * The stored reports of several of the user's runs in one statement (GraphQL's loader for a page
   * of runs); a run without a report, or not the user's, is absent.
   */
  async reportsOf(userId: string, ids: readonly string[]): Promise<Map<string, ResearchReport>> {
    const found = new Map<string, ResearchReport>();
    if (ids.length === 0) return found;
    const { rows } = await this.#sql.query<{ id: string; report: unknown }>(
      'select id, report from research_runs where id = any($2::uuid[]) and user_id = $1 and report is not null',
      [userId, [...ids]],
    );
    for (const row of rows)
      found.set(
        String(row.id),
        (typeof row.report === 'string' ? JSON.parse(row.report) : row.report) as ResearchReport,
      );
    return found;
  }

  /** Reports of succeeded runs on one version, newest first (the promotion gate reads them). */
  async reportsOfVersion(
    userId: string,
    strategyId: string,
    version: number,
  ): Promise<
    Array<{
      id: string;
      kind: ResearchKind;
      finishedAt: Date;
      report: ResearchReport;
      feeds: Array<{ symbol: string; interval: string }>;
    }>
  > {
    const { rows } = await this.#sql.query<Row>(
      `select id, kind, finished_at, report, request->'feeds' as feeds from research_runs
       where user_id = $1 and strategy_id = $2 and version = $3 and status = 'succeeded'
       order by finished_at desc limit 50`,
      [userId, strategyId, version],
    );
    return rows.map((r) => ({
      id: r.id as string,
      kind: r.kind as ResearchKind,
      finishedAt: date(r.finished_at)!,
      report: (typeof r.report === 'string' ? JSON.parse(r.report) : r.report) as ResearchReport,
      // The feeds it researched: the promotion gate's verdict is per feed.
      feeds: ((typeof r.feeds === 'string' ? JSON.parse(r.feeds) : r.feeds) ?? []) as Array<{
        symbol: string;
        interval: string;
      }>,
    }));
  }

  /** Ids of runs in `status`, oldest first (the queue's restart). */
  async idsIn(status: 'queued' | 'running'): Promise<Array<{ id: string; userId: string }>> {
    const { rows } = await this.#sql.query<{ id: string; user_id: string }>(
      'select id, user_id from research_runs where status = $1 order by created_at, id',
      [status],
    );
    return rows.map((r) => ({ id: r.id, userId: r.user_id }));
  }

  /** Marks a queued run running; false when it is no longer queued (cancelled meanwhile). */
  async claim(id: string, now: Date): Promise<boolean> {
    const r = await this.#sql.query(
      `update research_runs set status = 'running', started_at = $2 where id = $1 and status = 'queued'`,
      [id, now],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async setProgress(id: string, progress: number): Promise<void> {
    await this.#sql.query(`update research_runs set progress = $2 where id = $1 and status = 'running'`, [
      id,
      progress,
    ]);
  }

  async complete(id: string, report: ResearchReport, now: Date): Promise<void> {
    await this.#sql.query(
      `update research_runs set status = 'succeeded', progress = 1, report = $2, finished_at = $3 where id = $1`,
      [id, JSON.stringify(report), now],
    );
  }

  async fail(
    id: string,
    error: { code: string; message: string },
    now: Date,
    status: 'failed' | 'cancelled' = 'failed',
  ): Promise<void> {
    await this.#sql.query(
      `update research_runs set status = $4, error_code = $2, error_message = $3, finished_at = $5
       where id = $1 and status in ('queued', 'running')`,
      [id, error.code, error.message, status, now],
    );
  }
}
