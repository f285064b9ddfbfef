/**
 * @module Strategies, their immutable versions and backtest runs in SQL. Every read and write is
 * scoped by the owner's user id: another user's strategy is simply not found. Code is encrypted
 * by the {@link CodeCipher} before it reaches SQL and decrypted after. The strategy queries are
 * here; the versions' (version-queries.ts) and the runs' (run-queries.ts) are delegated to, after
 * the owner checks that are this class's.
 */
import type { Sql } from '@tickline/store';
import type { CodeCipher } from './code-cipher.ts';
import {
  notFound,
  type Row,
  type RunRecord,
  type StoredResult,
  type StrategyRecord,
  strategyFrom,
  UUID,
  type VersionInfo,
  type VersionRecord,
} from './repository-records.ts';
import * as replays from './replay-queries.ts';
import * as runs from './run-queries.ts';
import * as versions from './version-queries.ts';

export type {
  RunRecord,
  RunStatus,
  StoredResult,
  StrategyRecord,
  VersionInfo,
  VersionRecord,
} from './repository-records.ts';

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
  async saveVersion(input: versions.SaveVersionInput): Promise<VersionInfo> {
    return versions.saveVersion(this.#sql, this.#cipher, input);
  }

  async listVersions(userId: string, strategyId: string): Promise<VersionInfo[]> {
    await this.getStrategy(userId, strategyId);
    return versions.listVersions(this.#sql, strategyId);
  }

  /**
   * The versions of several of the user's strategies in one statement (oldest first per strategy),
   * for a GraphQL page of strategies with their versions; ids the user does not own give none.
   */
  async listVersionsOf(userId: string, strategyIds: readonly string[]): Promise<Map<string, VersionInfo[]>> {
    return versions.listVersionsOf(this.#sql, userId, strategyIds);
  }

  /** A version with its decrypted code; `version` omitted means the latest. */
  async getVersion(userId: string, strategyId: string, version?: number): Promise<VersionRecord> {
    return versions.getVersion(this.#sql, this.#cipher, userId, strategyId, version);
  }

  /**
   * Re-seals up to `limit` versions sealed with a key other than the current one under the
   * current key; returns how many it moved (0: none left it can read). A version written or moved
   * meanwhile is left as it is (the update names the key it read).
   */
  async resealBatch(limit: number): Promise<number> {
    return versions.resealBatch(this.#sql, this.#cipher, limit);
  }

  async createRun(input: runs.CreateRunInput): Promise<RunRecord> {
    await this.getVersion(input.userId, input.strategyId, input.version);
    return runs.insertRun(this.#sql, input);
  }

  /**
   * Creates a run unless the user is at a quota: runs created since `quota.since` (per day) or
   * runs queued or running (concurrent). Count and insert happen in one transaction under an
   * advisory lock per user, so concurrent requests of one user are counted one after another
   * (a plain count-then-insert lets every request of a burst see the same count).
   */
  async createRunWithinQuota(input: runs.CreateRunInput, quota: runs.RunQuota): Promise<runs.RunWithinQuota> {
    await this.getVersion(input.userId, input.strategyId, input.version);
    return runs.insertRunWithinQuota(this.#sql, input, quota);
  }

  async getRun(userId: string, id: string): Promise<RunRecord> {
    const run = await runs.findRun(this.#sql, userId, id);
    if (run === undefined) throw notFound('backtest');
    return run;
  }

  async listRuns(userId: string, limit = 50): Promise<RunRecord[]> {
    return runs.listRuns(this.#sql, userId, limit);
  }

  /** Runs created since `since` (the per-day quota) and runs queued or running (the concurrency quota). */
  async runCounts(userId: string, since: Date): Promise<{ since: number; active: number }> {
    const { since: created, active } = await runs.runCounts(this.#sql, userId, since);
    return { since: created, active };
  }

  /**
   * Starts a replay of the user's version (replay-queries.ts) unless a quota is spent: counted with
   * the backtests, and one replay at a time per user.
   */
  async beginReplayWithinQuota(
    input: replays.BeginReplayInput,
    quota: runs.RunQuota,
  ): Promise<replays.ReplayWithinQuota> {
    await this.getVersion(input.userId, input.strategyId, input.version);
    return replays.beginReplayWithinQuota(this.#sql, input, quota);
  }

  /** Ends a replay begun by {@link beginReplayWithinQuota}. */
  async endReplay(id: string, status: 'succeeded' | 'failed', now: Date): Promise<void> {
    return replays.endReplay(this.#sql, id, status, now);
  }

  /** Marks every running replay failed: the queue's process starting, they were interrupted. */
  async failRunningReplays(now: Date): Promise<number> {
    return replays.failRunningReplays(this.#sql, now);
  }

  async markRunning(id: string, now: Date): Promise<void> {
    return runs.markRunning(this.#sql, id, now);
  }

  async setProgress(id: string, progress: number): Promise<void> {
    return runs.setProgress(this.#sql, id, progress);
  }

  /** Stores the result and marks the run succeeded, in one transaction. */
  async completeRun(id: string, result: StoredResult, now: Date): Promise<void> {
    return runs.completeRun(this.#sql, id, result, now);
  }

  async failRun(
    id: string,
    error: { code: string; message: string },
    now: Date,
    status: 'failed' | 'cancelled' = 'failed',
  ): Promise<void> {
    return runs.failRun(this.#sql, id, error, now, status);
  }

  /** The newest backtest of a version that measured its CPU per candle (the live forecast). */
  async newestCpuPerCandle(
    userId: string,
    strategyId: string,
    version: number,
  ): Promise<{ backtestId: string; cpuMsPerCandle: number; bars: number } | undefined> {
    return runs.newestCpuPerCandle(this.#sql, userId, strategyId, version);
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
    return runs.resultsOf(this.#sql, userId, runIds);
  }
}
