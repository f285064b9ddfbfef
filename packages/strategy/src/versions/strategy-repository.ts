/**
 * @module Strategies, their immutable versions and backtest runs in SQL. Every read and write is
 * scoped by the owner's user id: another user's strategy is simply not found. Code is encrypted
 * by the {@link CodeCipher} before it reaches SQL and decrypted after.
 */
import { createHash } from 'node:crypto';
import { TicklineError } from '@tickline/kernel';
import type { Sql, SqlQueryable } from '@tickline/store';
import type { ParamSpecs } from '../core/definition.ts';
import type { Metrics, PlotSeries, LogLine, Trade } from '../core/types.ts';
import type { SourceLanguage } from '../api/compile-strategy.ts';
import type { CodeCipher } from './code-cipher.ts';

/** What a strategy id looks like; anything else names none (and would fail the uuid cast). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface StrategyRecord {
  id: string;
  userId: string;
  name: string;
  description: string;
  latestVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface VersionInfo {
  strategyId: string;
  version: number;
  language: SourceLanguage;
  params: ParamSpecs;
  keyId: string;
  sourceSha256: string;
  sizeBytes: number;
  createdAt: Date;
}

export interface VersionRecord extends VersionInfo {
  source: string;
  /** The compiled JavaScript the sandbox runs. */
  js: string;
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface RunRecord {
  id: string;
  userId: string;
  strategyId: string;
  version: number;
  status: RunStatus;
  request: Record<string, unknown>;
  progress: number;
  error: { code: string; message: string } | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface StoredResult {
  metrics: Metrics;
  trades: Trade[];
  tradesTruncated: boolean;
  /** [time, equity] pairs, downsampled for charts. */
  equity: Array<[number, number]>;
  logs: LogLine[];
  plots: PlotSeries[];
  bars: number;
}

type Row = Record<string, unknown>;

const notFound = (what: string): TicklineError =>
  new TicklineError('STRATEGY_NOT_FOUND', `${what} not found`);

function strategyFrom(r: Row): StrategyRecord {
  return {
    id: r.id as string,
    userId: r.user_id as string,
    name: r.name as string,
    description: r.description as string,
    latestVersion: Number(r.latest_version),
    createdAt: new Date(r.created_at as string | Date),
    updatedAt: new Date(r.updated_at as string | Date),
  };
}

function versionFrom(r: Row): VersionInfo {
  return {
    strategyId: r.strategy_id as string,
    version: Number(r.version),
    language: r.language as SourceLanguage,
    params: (typeof r.params === 'string' ? JSON.parse(r.params) : r.params) as ParamSpecs,
    keyId: r.key_id as string,
    sourceSha256: r.source_sha256 as string,
    sizeBytes: Number(r.size_bytes),
    createdAt: new Date(r.created_at as string | Date),
  };
}

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);
const dateOrNull = (v: unknown): Date | null =>
  v === null || v === undefined ? null : new Date(v as string | Date);

function runFrom(r: Row): RunRecord {
  return {
    id: r.id as string,
    userId: r.user_id as string,
    strategyId: r.strategy_id as string,
    version: Number(r.version),
    status: r.status as RunStatus,
    request: json(r.request) as Record<string, unknown>,
    progress: Number(r.progress),
    error:
      r.error_code === null ? null : { code: r.error_code as string, message: r.error_message as string },
    createdAt: new Date(r.created_at as string | Date),
    startedAt: dateOrNull(r.started_at),
    finishedAt: dateOrNull(r.finished_at),
  };
}

/** The additional data that binds a version's ciphertext to its row. */
const aadOf = (strategyId: string, version: number): string => `strategy:${strategyId}:v${version}`;

const VERSION_INFO = 'strategy_id, version, language, params, key_id, source_sha256, size_bytes, created_at';

/** The repository over an open, migrated {@link Sql}. */
export class StrategyRepository {
  readonly #sql: Sql;
  readonly #cipher: CodeCipher;

  constructor(sql: Sql, cipher: CodeCipher) {
    this.#sql = sql;
    this.#cipher = cipher;
  }

  async createStrategy(input: {
    id: string;
    userId: string;
    name: string;
    description?: string;
    now: Date;
  }): Promise<StrategyRecord> {
    const { rows } = await this.#sql.query<Row>(
      `insert into strategies (id, user_id, name, description, latest_version, created_at, updated_at)
       values ($1, $2, $3, $4, 0, $5, $5) returning *`,
      [input.id, input.userId, input.name, input.description ?? '', input.now],
    );
    return strategyFrom(rows[0]!);
  }

  /**
   * Creates a strategy unless the user already stores `maxStrategies`; undefined then. Counted and
   * inserted in one statement under a per-user advisory lock: a burst of parallel creations is
   * counted one after another (a count, then a compile of seconds, then an insert let ten parallel
   * requests past a limit of three).
   */
  async createStrategyWithinQuota(
    input: Parameters<StrategyRepository['createStrategy']>[0],
    maxStrategies: number,
  ): Promise<StrategyRecord | undefined> {
    return this.#sql.transaction(async (tx) => {
      await tx.query("select pg_advisory_xact_lock(hashtext('tickline.strategy-quota.' || $1))", [
        input.userId,
      ]);
      const { rows } = await tx.query<Row>(
        `insert into strategies (id, user_id, name, description, latest_version, created_at, updated_at)
         select $1, $2, $3, $4, 0, $5, $5
         where (select count(*) from strategies where user_id = $2) < $6
         returning *`,
        [input.id, input.userId, input.name, input.description ?? '', input.now, maxStrategies],
      );
      return rows[0] === undefined ? undefined : strategyFrom(rows[0]);
    });
  }

  async getStrategy(userId: string, id: string): Promise<StrategyRecord> {
    const { rows } = await this.#sql.query<Row>('select * from strategies where id = $1 and user_id = $2', [
      id,
      userId,
    ]);
    if (rows.length === 0) throw notFound('strategy');
    return strategyFrom(rows[0]!);
  }

  async listStrategies(userId: string): Promise<StrategyRecord[]> {
    const { rows } = await this.#sql.query<Row>(
      'select * from strategies where user_id = $1 order by created_at, id',
      [userId],
    );
    return rows.map(strategyFrom);
  }

  /**
   * Several of the user's strategies in one statement, for GraphQL's per-request loaders (the
   * strategy behind each of a page of runs); ids the user does not own are absent.
   */
  async strategiesOf(userId: string, ids: readonly string[]): Promise<Map<string, StrategyRecord>> {
    const found = new Map<string, StrategyRecord>();
    const uuids = ids.filter((id) => UUID.test(id));
    if (uuids.length === 0) return found;
    const { rows } = await this.#sql.query<Row>(
      'select * from strategies where id = any($2::uuid[]) and user_id = $1',
      [userId, uuids],
    );
    for (const row of rows) found.set(String(row.id), strategyFrom(row));
    return found;
  }

  async countStrategies(userId: string): Promise<number> {
    const { rows } = await this.#sql.query<{ n: number | string }>(
      'select count(*) as n from strategies where user_id = $1',
      [userId],
    );
    return Number(rows[0]!.n);
  }

  async deleteStrategy(userId: string, id: string): Promise<void> {
    const { rowCount } = await this.#sql.query('delete from strategies where id = $1 and user_id = $2', [
      id,
      userId,
    ]);
    if (rowCount === 0) throw notFound('strategy');
  }

  /** Saves a new immutable version (number = previous + 1) and returns it without the code. */
  async saveVersion(input: {
    userId: string;
    strategyId: string;
    source: string;
    js: string;
    language: SourceLanguage;
    params: ParamSpecs;
    now: Date;
  }): Promise<VersionInfo> {
    return this.#sql.transaction(async (tx) => {
      const { rows } = await tx.query<Row>(
        'select latest_version from strategies where id = $1 and user_id = $2 for update',
        [input.strategyId, input.userId],
      );
      if (rows.length === 0) throw notFound('strategy');
      const version = Number(rows[0]!.latest_version) + 1;
      const sealed = this.#cipher.encrypt(
        JSON.stringify({ source: input.source, js: input.js }),
        aadOf(input.strategyId, version),
      );
      const inserted = await tx.query<Row>(
        `insert into strategy_versions (strategy_id, version, language, params, key_id, nonce, ciphertext, source_sha256, size_bytes, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning ${VERSION_INFO}`,
        [
          input.strategyId,
          version,
          input.language,
          JSON.stringify(input.params),
          sealed.keyId,
          sealed.nonce,
          sealed.ciphertext,
          createHash('sha256').update(input.source).digest('hex'),
          Buffer.byteLength(input.source, 'utf8'),
          input.now,
        ],
      );
      await tx.query('update strategies set latest_version = $1, updated_at = $2 where id = $3', [
        version,
        input.now,
        input.strategyId,
      ]);
      return versionFrom(inserted.rows[0]!);
    });
  }

  async listVersions(userId: string, strategyId: string): Promise<VersionInfo[]> {
    await this.getStrategy(userId, strategyId);
    const { rows } = await this.#sql.query<Row>(
      `select ${VERSION_INFO} from strategy_versions where strategy_id = $1 order by version`,
      [strategyId],
    );
    return rows.map(versionFrom);
  }

  /**
   * The versions of several of the user's strategies in one statement (oldest first per strategy),
   * for a GraphQL page of strategies with their versions; ids the user does not own give none.
   */
  async listVersionsOf(userId: string, strategyIds: readonly string[]): Promise<Map<string, VersionInfo[]>> {
    const byStrategy = new Map<string, VersionInfo[]>(strategyIds.map((id) => [id, []]));
    if (strategyIds.length === 0) return byStrategy;
    const { rows } = await this.#sql.query<Row>(
      `select ${VERSION_INFO} from strategy_versions
        where strategy_id = any($2::uuid[]) and strategy_id in (select id from strategies where user_id = $1)
        order by strategy_id, version`,
      [userId, [...strategyIds]],
    );
    for (const row of rows.map(versionFrom)) byStrategy.get(row.strategyId)?.push(row);
    return byStrategy;
  }

  /** A version with its decrypted code; `version` omitted means the latest. */
  async getVersion(userId: string, strategyId: string, version?: number): Promise<VersionRecord> {
    const { rows } = await this.#sql.query<Row>(
      `select v.*, s.latest_version from strategy_versions v join strategies s on s.id = v.strategy_id
       where v.strategy_id = $1 and s.user_id = $2 and v.version = coalesce($3, s.latest_version)`,
      [strategyId, userId, version ?? null],
    );
    if (rows.length === 0) throw notFound('strategy version');
    const r = rows[0]!;
    const info = versionFrom(r);
    const plain = this.#cipher.decrypt(
      { keyId: info.keyId, nonce: r.nonce as Uint8Array, ciphertext: r.ciphertext as Uint8Array },
      aadOf(strategyId, info.version),
    );
    const { source, js } = JSON.parse(plain) as { source: string; js: string };
    return { ...info, source, js };
  }

  /**
   * Re-seals up to `limit` versions sealed with a key other than the current one under the
   * current key; returns how many it moved (0: none left it can read). A version written or moved
   * meanwhile is left as it is (the update names the key it read).
   */
  async resealBatch(limit: number): Promise<number> {
    const current = this.#cipher.currentKeyId;
    const { rows } = await this.#sql.query<Row>(
      `select strategy_id, version, key_id, nonce, ciphertext from strategy_versions
        where key_id <> $1 and key_id = any($2::text[]) order by strategy_id, version limit $3`,
      [current, this.#cipher.keyIds.filter((id) => id !== current), limit],
    );
    for (const r of rows) {
      const strategyId = r.strategy_id as string;
      const version = Number(r.version);
      const aad = aadOf(strategyId, version);
      const plain = this.#cipher.decrypt(
        { keyId: r.key_id as string, nonce: r.nonce as Uint8Array, ciphertext: r.ciphertext as Uint8Array },
        aad,
      );
      const sealed = this.#cipher.encrypt(plain, aad);
      await this.#sql.query(
        `update strategy_versions set key_id = $1, nonce = $2, ciphertext = $3
          where strategy_id = $4 and version = $5 and key_id = $6`,
        [sealed.keyId, sealed.nonce, sealed.ciphertext, strategyId, version, r.key_id as string],
      );
    }
    return rows.length;
  }

  async createRun(input: {
    id: string;
    userId: string;
    strategyId: string;
    version: number;
    request: Record<string, unknown>;
    now: Date;
  }): Promise<RunRecord> {
    await this.getVersion(input.userId, input.strategyId, input.version);
    const { rows } = await this.#sql.query<Row>(
      `insert into backtest_runs (id, user_id, strategy_id, version, status, request, created_at)
       values ($1, $2, $3, $4, 'queued', $5, $6) returning *`,
      [input.id, input.userId, input.strategyId, input.version, JSON.stringify(input.request), input.now],
    );
    return runFrom(rows[0]!);
  }

  /**
   * Creates a run unless the user is at a quota: runs created since `quota.since` (per day) or
   * runs queued or running (concurrent). Count and insert happen in one transaction under an
   * advisory lock per user, so concurrent requests of one user are counted one after another
   * (a plain count-then-insert lets every request of a burst see the same count).
   */
  async createRunWithinQuota(
    input: Parameters<StrategyRepository['createRun']>[0],
    quota: { since: Date; perDay: number; concurrent: number },
  ): Promise<{ run: RunRecord } | { exceeded: 'perDay' | 'concurrent'; since: number; active: number }> {
    await this.getVersion(input.userId, input.strategyId, input.version);
    return this.#sql.transaction(async (tx) => {
      await tx.query("select pg_advisory_xact_lock(hashtext('tickline.backtest-quota.' || $1))", [
        input.userId,
      ]);
      const counts = await this.#runCounts(tx, input.userId, quota.since);
      if (counts.since >= quota.perDay) return { exceeded: 'perDay', ...counts };
      if (counts.active >= quota.concurrent) return { exceeded: 'concurrent', ...counts };
      const { rows } = await tx.query<Row>(
        `insert into backtest_runs (id, user_id, strategy_id, version, status, request, created_at)
         values ($1, $2, $3, $4, 'queued', $5, $6) returning *`,
        [input.id, input.userId, input.strategyId, input.version, JSON.stringify(input.request), input.now],
      );
      return { run: runFrom(rows[0]!) };
    });
  }

  async getRun(userId: string, id: string): Promise<RunRecord> {
    const { rows } = await this.#sql.query<Row>(
      'select * from backtest_runs where id = $1 and user_id = $2',
      [id, userId],
    );
    if (rows.length === 0) throw notFound('backtest');
    return runFrom(rows[0]!);
  }

  async listRuns(userId: string, limit = 50): Promise<RunRecord[]> {
    const { rows } = await this.#sql.query<Row>(
      'select * from backtest_runs where user_id = $1 order by created_at desc, id desc limit $2',
      [userId, limit],
    );
    return rows.map(runFrom);
  }

  /** Runs created since `since` (the per-day quota) and runs queued or running (the concurrency quota). */
  async runCounts(userId: string, since: Date): Promise<{ since: number; active: number }> {
    return this.#runCounts(this.#sql, userId, since);
  }

  async #runCounts(
    db: SqlQueryable,
    userId: string,
    since: Date,
  ): Promise<{ since: number; active: number }> {
    const { rows } = await db.query<{ since: number | string; active: number | string }>(
      `select count(*) filter (where created_at >= $2) as since,
              count(*) filter (where status in ('queued', 'running')) as active
       from backtest_runs where user_id = $1`,
      [userId, since],
    );
    return { since: Number(rows[0]!.since), active: Number(rows[0]!.active) };
  }

  async markRunning(id: string, now: Date): Promise<void> {
    await this.#sql.query(
      `update backtest_runs set status = 'running', started_at = $2 where id = $1 and status = 'queued'`,
      [id, now],
    );
  }

  async setProgress(id: string, progress: number): Promise<void> {
    await this.#sql.query(`update backtest_runs set progress = $2 where id = $1 and status = 'running'`, [
      id,
      progress,
    ]);
  }

  /** Stores the result and marks the run succeeded, in one transaction. */
  async completeRun(id: string, result: StoredResult, now: Date): Promise<void> {
    await this.#sql.transaction(async (tx: SqlQueryable) => {
      await tx.query(
        `insert into backtest_results (run_id, metrics, trades, trades_truncated, equity, logs, plots, bars)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          id,
          JSON.stringify(result.metrics),
          JSON.stringify(result.trades),
          result.tradesTruncated,
          JSON.stringify(result.equity),
          JSON.stringify(result.logs),
          JSON.stringify(result.plots),
          result.bars,
        ],
      );
      await tx.query(
        `update backtest_runs set status = 'succeeded', progress = 1, finished_at = $2 where id = $1`,
        [id, now],
      );
    });
  }

  async failRun(
    id: string,
    error: { code: string; message: string },
    now: Date,
    status: 'failed' | 'cancelled' = 'failed',
  ): Promise<void> {
    await this.#sql.query(
      `update backtest_runs set status = $2, error_code = $3, error_message = $4, finished_at = $5 where id = $1`,
      [id, status, error.code, error.message.slice(0, 1_000), now],
    );
  }

  async getResult(userId: string, runId: string): Promise<StoredResult> {
    const found = await this.resultsOf(userId, [runId]);
    const result = found.get(runId);
    if (result === undefined) throw notFound('backtest result');
    return result;
  }

  /**
   * The results of several of the user's runs in one statement (GraphQL's loader for a page of
   * backtests); runs without a result, or not the user's, are absent.
   */
  async resultsOf(userId: string, runIds: readonly string[]): Promise<Map<string, StoredResult>> {
    const found = new Map<string, StoredResult>();
    const ids = runIds.filter((id) => UUID.test(id));
    if (ids.length === 0) return found;
    const { rows } = await this.#sql.query<Row>(
      `select r.* from backtest_results r join backtest_runs b on b.id = r.run_id
        where r.run_id = any($1::uuid[]) and b.user_id = $2`,
      [ids, userId],
    );
    for (const r of rows)
      found.set(String(r.run_id), {
        metrics: json(r.metrics) as Metrics,
        trades: json(r.trades) as Trade[],
        tradesTruncated: r.trades_truncated as boolean,
        equity: json(r.equity) as Array<[number, number]>,
        logs: json(r.logs) as LogLine[],
        plots: json(r.plots) as PlotSeries[],
        bars: Number(r.bars),
      });
    return found;
  }
}
