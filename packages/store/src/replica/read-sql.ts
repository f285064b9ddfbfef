/**
 * @module The read/write split: a handle for read-only statements that sends them to a PostgreSQL
 * streaming replica when one is configured, answers, keeps up, and the reader has not just written;
 * to the primary otherwise. Writes never come here: they keep using the primary `Sql`.
 *
 * The rule for reads that must be fresh: a write path that a user will read back calls
 * `noteWrite(userId)` after it commits; that user's reads through `forKey(userId)` then go to the
 * primary for `freshWindowMs`. Reads that are never read-your-writes (market history, filled by
 * consumers from the event log) use the handle itself.
 */
import { Registry, silentLogger, systemClock, type Clock, type Logger } from '@tickline/kernel';
import { isSerializationFailureError, isStoreConnectionError } from '../errors.ts';
import type { Sql, SqlQueryable, SqlResult, SqlValue } from '../port/sql.ts';
import { lsnDistance } from './lsn.ts';
import { createReplicaMetrics, ReadRoute, type ReplicaMetrics } from './replica-metrics.ts';

/** How long after a key's write its reads stay on the primary. */
export const DEFAULT_READ_FRESH_WINDOW_MS = 5_000;
/** Replication lag beyond which every read goes to the primary. */
export const DEFAULT_READ_MAX_LAG_MS = 5_000;
/** A probe not answered within this counts as the replica being down. */
export const DEFAULT_REPLICA_PROBE_TIMEOUT_MS = 2_000;
/** Keys remembered before expired ones are swept on the next write. */
const FRESH_KEYS_SWEEP_AT = 10_000;

/** The replica as the last probe (or failed read) saw it. */
export interface ReplicaStatus {
  /** A replica is configured at all (`database.readUrl`). */
  configured: boolean;
  /** It answered the last probe and no read has failed on it since. */
  up: boolean;
  /** The server says it is a standby (`pg_is_in_recovery()`); false after a promotion. */
  standby?: boolean;
  /** 0 when it has replayed all the primary had written, else the age of its last replayed commit. */
  lagSeconds?: number;
  /** WAL bytes written on the primary and not yet replayed on the replica. */
  lagBytes?: number;
  /** Why it is down, or what is odd about it. */
  detail?: string;
}

/** Read-only statements, routed; see the module comment for the rule. */
export interface ReadSql extends SqlQueryable {
  /** A replica is configured; false: every read is a primary read. */
  readonly replicated: boolean;
  /** The reads of `key` (a user id): on the primary while its last `noteWrite` is within the fresh window. */
  forKey(key: string): SqlQueryable;
  /** `key` has just written (after commit): its reads through `forKey` go to the primary for a while. */
  noteWrite(key: string): void;
  /** Asks both servers where they are; updates routing, gauges and `status()`. Never throws. */
  probe(): Promise<ReplicaStatus>;
  status(): ReplicaStatus;
  /** Closes the replica's connections (the primary belongs to the caller). Idempotent. */
  close(): Promise<void>;
}

/** Options for {@link createReadSql}. */
export interface ReadSqlOptions {
  /** The primary, for writes elsewhere and for the reads that must not go to the replica. */
  primary: Sql;
  /** The replica (opened with `verify: false`, so a replica down at start-up does not stop it). */
  replica?: Sql | undefined;
  /** @default 5_000 */
  freshWindowMs?: number;
  /** @default 5_000 */
  maxLagMs?: number;
  /**
   * A probe not answered within this marks the replica down: a replica that accepts connections
   * and then hangs (a frozen host, a partition) would otherwise keep getting reads. @default 2_000
   */
  probeTimeoutMs?: number;
  /** @default the system clock */
  clock?: Clock;
  /** @default a private registry (series only when a replica is configured) */
  metrics?: Registry;
  /** Warned when the replica goes down, told when it comes back. @default silent */
  logger?: Logger;
}

interface ProbeRow {
  standby: boolean;
  replay_lsn: string | null;
  replay_age_seconds: number | null;
}

/**
 * Routes read-only statements between `primary` and `replica`; without a replica every read goes
 * to the primary, so hosts use one handle whatever the deployment.
 * @example
 * const reads = createReadSql({ primary: sql, replica: await createPostgresSql({ url: readUrl, verify: false }) });
 * await queryCandles(reads, query);             // market history: the replica
 * await listInbox(reads.forKey(userId), userId); // the primary right after this user wrote
 */
export function createReadSql(options: ReadSqlOptions): ReadSql {
  return options.replica ? new ReplicaRouter(options, options.replica) : primaryOnly(options.primary);
}

function primaryOnly(primary: Sql): ReadSql {
  return {
    replicated: false,
    query: (text, params) => primary.query(text, params),
    exec: (script) => primary.exec(script),
    forKey: () => primary,
    noteWrite: () => {},
    probe: async () => ({ configured: false, up: false }),
    status: () => ({ configured: false, up: false }),
    close: async () => {},
  };
}

class ReplicaRouter implements ReadSql {
  readonly replicated = true;
  readonly #primary: Sql;
  readonly #replica: Sql;
  readonly #freshWindowMs: number;
  readonly #maxLagMs: number;
  readonly #probeTimeoutMs: number;
  readonly #clock: Clock;
  readonly #metrics: ReplicaMetrics;
  readonly #logger: Logger;
  readonly #freshUntil = new Map<string, number>();
  // Until the first probe, the replica is given the benefit of the doubt: a failed read corrects it.
  #status: ReplicaStatus = { configured: true, up: true };

  constructor(options: ReadSqlOptions, replica: Sql) {
    this.#primary = options.primary;
    this.#replica = replica;
    this.#freshWindowMs = options.freshWindowMs ?? DEFAULT_READ_FRESH_WINDOW_MS;
    this.#maxLagMs = options.maxLagMs ?? DEFAULT_READ_MAX_LAG_MS;
    this.#probeTimeoutMs = options.probeTimeoutMs ?? DEFAULT_REPLICA_PROBE_TIMEOUT_MS;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#metrics = createReplicaMetrics(options.metrics ?? new Registry());
    this.#metrics.state(true, undefined, undefined);
  }

  query<T = Record<string, unknown>>(text: string, params?: readonly SqlValue[]): Promise<SqlResult<T>> {
    return this.#read(false, (sql) => sql.query<T>(text, params));
  }

  exec(script: string): Promise<void> {
    return this.#read(false, (sql) => sql.exec(script));
  }

  forKey(key: string): SqlQueryable {
    return {
      query: <T>(text: string, params?: readonly SqlValue[]) =>
        this.#read(this.#isFresh(key), (sql) => sql.query<T>(text, params)),
      exec: (script: string) => this.#read(this.#isFresh(key), (sql) => sql.exec(script)),
    };
  }

  noteWrite(key: string): void {
    const now = this.#clock.now();
    if (this.#freshUntil.size >= FRESH_KEYS_SWEEP_AT)
      for (const [k, until] of this.#freshUntil) if (until <= now) this.#freshUntil.delete(k);
    this.#freshUntil.set(key, now + this.#freshWindowMs);
  }

  status(): ReplicaStatus {
    return { ...this.#status };
  }

  async probe(): Promise<ReplicaStatus> {
    let next: ReplicaStatus;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<ReplicaStatus>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            configured: true,
            up: false,
            detail: `replica probe timed out after ${this.#probeTimeoutMs} ms`,
          }),
        this.#probeTimeoutMs,
      );
    });
    try {
      next = await Promise.race([this.#measure(), timedOut]);
    } catch (error) {
      next = { configured: true, up: false, detail: `replica probe failed: ${(error as Error).message}` };
    } finally {
      clearTimeout(timer);
    }
    this.#setStatus(next);
    return this.status();
  }

  async #measure(): Promise<ReplicaStatus> {
    // The primary's position first: the replica, read second, can only have replayed more of it.
    const primary = await this.#primary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
    const replica = await this.#replica.query<ProbeRow>(
      `select pg_is_in_recovery() as standby, pg_last_wal_replay_lsn()::text as replay_lsn,
              extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 as replay_age_seconds`,
    );
    return measured(primary.rows[0]?.lsn ?? null, replica.rows[0]);
  }

  async close(): Promise<void> {
    await this.#replica.close();
  }

  #isFresh(key: string): boolean {
    const until = this.#freshUntil.get(key);
    if (until === undefined) return false;
    if (until > this.#clock.now()) return true;
    this.#freshUntil.delete(key);
    return false;
  }

  #route(fresh: boolean): ReadRoute {
    if (fresh) return ReadRoute.Fresh;
    if (!this.#status.up) return ReadRoute.Down;
    const lag = this.#status.lagSeconds;
    if (lag !== undefined && lag * 1000 > this.#maxLagMs) return ReadRoute.Lagging;
    return ReadRoute.Replica;
  }

  async #read<T>(fresh: boolean, run: (sql: SqlQueryable) => Promise<T>): Promise<T> {
    const route = this.#route(fresh);
    if (route !== ReadRoute.Replica) {
      this.#metrics.read(route);
      return run(this.#primary);
    }
    try {
      const result = await run(this.#replica);
      this.#metrics.read(ReadRoute.Replica);
      return result;
    } catch (error) {
      // A lost replica, or a read cancelled by a recovery conflict (SQLSTATE 40001 on a standby):
      // the primary answers instead. Any other error is the statement's own and would fail there too.
      if (!isStoreConnectionError(error) && !isSerializationFailureError(error)) throw error;
      if (isStoreConnectionError(error))
        this.#setStatus({ configured: true, up: false, detail: `replica unreachable: ${error.message}` });
      this.#metrics.read(ReadRoute.Fallback);
      return run(this.#primary);
    }
  }

  #setStatus(next: ReplicaStatus): void {
    const was = this.#status.up;
    this.#status = next;
    this.#metrics.state(next.up, next.lagSeconds, next.lagBytes);
    if (was && !next.up)
      this.#logger.warn(
        { detail: next.detail },
        'read replica down: reads go to the primary until it answers',
      );
    else if (!was && next.up)
      this.#logger.info({ lagSeconds: next.lagSeconds }, 'read replica back: reads go to it again');
  }
}

function measured(primaryLsn: string | null, row: ProbeRow | undefined): ReplicaStatus {
  if (!row) return { configured: true, up: false, detail: 'replica probe returned no row' };
  if (!row.standby)
    // A promoted replica (or a readUrl naming a primary) has no replay position to compare.
    return { configured: true, up: true, standby: false, lagSeconds: 0, detail: 'not a standby' };
  const lagBytes = lsnDistance(primaryLsn, row.replay_lsn);
  // Replayed everything: no lag, however long ago the last commit was (an idle primary).
  const lagSeconds = lagBytes === 0 ? 0 : (row.replay_age_seconds ?? undefined);
  return {
    configured: true,
    up: true,
    standby: true,
    ...(lagSeconds === undefined ? {} : { lagSeconds: Math.max(0, lagSeconds) }),
    ...(lagBytes === undefined ? {} : { lagBytes }),
  };
}
