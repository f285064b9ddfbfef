/**
 * @module The enabled live strategies in SQL (migration 0011, `live_strategies`): what every runner
 * process reads to know which runs exist, their state (running or paused with the reason) and each
 * run's checkpoint — the close time of the last candle it acted on.
 */
import type { Sql, SqlQueryable } from '@tickline/store';
import type { LiveFeed } from '@tickline/strategy';
import type { WarmupWindow } from './live-runner-types.ts';

/** One stored run (engine settings are the host's, not stored). */
export interface StoredLiveRun {
  id: string;
  strategyId: string;
  version: number;
  userId: string;
  /** The owner's tier when enabled (its sandbox limits apply). */
  tier: string;
  portfolioId: string;
  params: Record<string, unknown>;
  feeds: LiveFeed[];
  warmupBars: number;
  state: 'running' | 'paused';
  pause?: { code: string; reason: string; at: number };
  checkpointMs?: number;
  /** When this version of the run was enabled (epoch ms): its orders are those from then on. */
  enabledAt?: number;
  /**
   * Per feed, the candles this version warmed up on (run-restore.ts `WarmupWindow`; null: the feed
   * had no stored history then). Absent for runs enabled before migration 0061.
   */
  warmup?: Array<WarmupWindow | null>;
  /** The portfolio equity its engine started from (absent before migration 0061). */
  startingCapital?: number;
  /** Candles decided and signals given up to the checkpoint (migration 0064). */
  counts: LiveCounts;
  /** Spans it was paused in since this enable, oldest first (migration 0065). */
  paused?: LivePausedSpan[];
}

/** Candles closing after `after` (none decided yet: absent) up to `until` a paused run skipped. */
export interface LivePausedSpan {
  after?: number;
  until: number;
  /** Paused by the kill switch: its working orders were cancelled at the pause. */
  cancelled?: boolean;
}

/** A run's counters as of its checkpoint. */
export interface LiveCounts {
  candles: number;
  signals: number;
}

/** One run's checkpoint: the close time of the last candle it acted on, and its counters then. */
export interface LiveCheckpoint extends LiveCounts {
  id: string;
  atMs: number;
}

type Unsaved = Omit<StoredLiveRun, 'state' | 'pause' | 'checkpointMs' | 'enabledAt' | 'counts' | 'paused'>;

interface Row {
  id: string;
  strategy_id: string;
  version: number;
  user_id: string;
  tier: string;
  portfolio_id: string;
  params: Record<string, unknown> | string;
  feeds: LiveFeed[] | string;
  warmup_bars: number;
  state: 'running' | 'paused';
  pause_code: string | null;
  pause_reason: string | null;
  paused_at_ms: string | number | null;
  checkpoint_ms: string | number | null;
  enabled_at?: Date | string | null;
  warmup?: Array<WarmupWindow | null> | string | null;
  starting_capital?: number | null;
  candles?: string | number;
  signals?: string | number;
  paused_spans?: Array<{ after: number | null; until: number; cancelled?: boolean }> | string | null;
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

function fromRow(r: Row): StoredLiveRun {
  return {
    id: r.id,
    strategyId: r.strategy_id,
    version: Number(r.version),
    userId: r.user_id,
    tier: r.tier,
    portfolioId: r.portfolio_id,
    params: json(r.params),
    feeds: json(r.feeds),
    warmupBars: Number(r.warmup_bars),
    state: r.state,
    ...(r.state === 'paused'
      ? { pause: { code: r.pause_code ?? '', reason: r.pause_reason ?? '', at: Number(r.paused_at_ms ?? 0) } }
      : {}),
    ...(r.checkpoint_ms === null ? {} : { checkpointMs: Number(r.checkpoint_ms) }),
    ...(r.enabled_at === null || r.enabled_at === undefined
      ? {}
      : { enabledAt: new Date(r.enabled_at).getTime() }),
    ...(r.warmup === null || r.warmup === undefined ? {} : { warmup: json(r.warmup) }),
    ...(r.starting_capital === null || r.starting_capital === undefined
      ? {}
      : { startingCapital: Number(r.starting_capital) }),
    counts: { candles: Number(r.candles ?? 0), signals: Number(r.signals ?? 0) },
    ...(r.paused_spans === null || r.paused_spans === undefined
      ? {}
      : {
          paused: json(r.paused_spans).map((p) => ({
            ...(p.after === null ? {} : { after: Number(p.after) }),
            until: Number(p.until),
            ...(p.cancelled === true ? { cancelled: true } : {}),
          })),
        }),
  };
}

/** See the module comment. */
export class LiveStore {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /**
   * Runs `body` holding the user's live-quota lock, with the number of runs the user has running
   * besides `exceptId`: a count and the write that takes the quota cannot be split by another
   * request of the same user (two parallel enables each saw one run of two before).
   */
  async #withinQuota<T>(
    userId: string,
    exceptId: string,
    body: (tx: SqlQueryable, running: number) => Promise<T>,
  ): Promise<T> {
    return this.#sql.transaction(async (tx) => {
      await tx.query("select pg_advisory_xact_lock(hashtext('tickline.live-quota.' || $1))", [userId]);
      const { rows } = await tx.query<{ n: number }>(
        `select count(*)::int as n from live_strategies where user_id = $1 and state = 'running' and id <> $2`,
        [userId, exceptId],
      );
      return body(tx, rows[0]!.n);
    });
  }

  /** {@link save} unless the user already runs `max` others; false then (nothing written). */
  async saveWithinLimit(run: Unsaved, max: number): Promise<boolean> {
    return this.#withinQuota(run.userId, run.id, async (tx, running) => {
      if (running >= max) return false;
      await this.#save(tx, run);
      return true;
    });
  }

  /**
   * {@link resume} unless the run's owner already runs as many as `maxOf(tier)` allows; false then.
   * True also when the run is gone (nothing to resume, nothing over the limit).
   */
  async resumeWithinLimit(
    id: string,
    maxOf: (tier: string) => number,
    fromMs?: number,
    pausedAfter?: number,
  ): Promise<boolean> {
    const run = await this.get(id);
    if (run === undefined) return true;
    return this.#withinQuota(run.userId, id, async (tx, running) => {
      if (running >= maxOf(run.tier)) return false;
      await this.#resume(tx, id, fromMs, pausedAfter);
      return true;
    });
  }

  /**
   * Stores a run as running. Enabling again keeps its checkpoint when the version is the same, but
   * what the run started from (its enable time, warm-up windows and capital) is always the new
   * enable's: the runner warmed the run up anew, and its parity replay must start where it did.
   */
  async save(run: Unsaved): Promise<void> {
    await this.#save(this.#sql, run);
  }

  async #save(sql: SqlQueryable, run: Unsaved): Promise<void> {
    await sql.query(
      `insert into live_strategies (id, strategy_id, version, user_id, tier, portfolio_id, params, feeds,
         warmup_bars, state, pause_code, pause_reason, paused_at_ms, checkpoint_ms, enabled_at, updated_at,
         warmup, starting_capital)
       values ($1, $2, $3, $4, $9, $5, $6, $7, $8, 'running', null, null, null, null, now(), now(), $10::jsonb, $11)
       on conflict (id) do update set strategy_id = excluded.strategy_id, version = excluded.version,
         tier = excluded.tier,
         params = excluded.params, feeds = excluded.feeds, warmup_bars = excluded.warmup_bars,
         state = 'running', pause_code = null, pause_reason = null, paused_at_ms = null,
         checkpoint_ms = case when live_strategies.version = excluded.version
           then live_strategies.checkpoint_ms else null end,
         candles = case when live_strategies.version = excluded.version
           then live_strategies.candles else 0 end,
         signals = case when live_strategies.version = excluded.version
           then live_strategies.signals else 0 end,
         paused_spans = null,
         enabled_at = now(), warmup = excluded.warmup, starting_capital = excluded.starting_capital,
         updated_at = now()`,
      [
        run.id,
        run.strategyId,
        run.version,
        run.userId,
        run.portfolioId,
        JSON.stringify(run.params),
        JSON.stringify(run.feeds),
        run.warmupBars,
        run.tier,
        run.warmup === undefined ? null : JSON.stringify(run.warmup),
        run.startingCapital ?? null,
      ],
    );
  }

  async pause(id: string, pause: { code: string; reason: string; at: number }): Promise<void> {
    await this.#sql.query(
      `update live_strategies set state = 'paused', pause_code = $2, pause_reason = $3, paused_at_ms = $4,
         updated_at = now() where id = $1`,
      [id, pause.code, pause.reason.slice(0, 1_000), pause.at],
    );
  }

  /**
   * Pauses every running run of a portfolio (its kill switch engaged): a process that runs one
   * and missed the request to stop it stops it at its next sync. Returns how many were running.
   */
  async pausePortfolio(
    portfolioId: string,
    pause: { code: string; reason: string; at: number },
  ): Promise<number> {
    const { rowCount } = await this.#sql.query(
      `update live_strategies set state = 'paused', pause_code = $2, pause_reason = $3, paused_at_ms = $4,
         updated_at = now() where portfolio_id = $1 and state = 'running'`,
      [portfolioId, pause.code, pause.reason.slice(0, 1_000), pause.at],
    );
    return rowCount ?? 0;
  }

  /**
   * Running again: the pause is cleared, the checkpoint kept — or moved up to `fromMs`, so the
   * process that takes the run up again does not decide the candles that closed while it was
   * paused; those (after `pausedAfter`, else the checkpoint, up to `fromMs`) are kept as a paused
   * span for its parity replay.
   */
  async resume(id: string, fromMs?: number, pausedAfter?: number): Promise<void> {
    await this.#resume(this.#sql, id, fromMs, pausedAfter);
  }

  async #resume(sql: SqlQueryable, id: string, fromMs?: number, pausedAfter?: number): Promise<void> {
    await sql.query(
      `update live_strategies set state = 'running', pause_code = null, pause_reason = null,
         paused_at_ms = null, updated_at = now(),
         paused_spans = case when $2::bigint is null or coalesce($3::bigint, checkpoint_ms) >= $2::bigint
           then paused_spans
           else coalesce(paused_spans, '[]'::jsonb)
             || jsonb_build_array(jsonb_build_object('after', coalesce($3::bigint, checkpoint_ms), 'until', $2::bigint)
               -- Paused by the kill switch: its working orders were cancelled then (the replay cancels them).
               || case when pause_code = 'kill_switch' then '{"cancelled": true}'::jsonb else '{}'::jsonb end) end,
         checkpoint_ms = case when $2::bigint is null then checkpoint_ms
           else greatest(coalesce(checkpoint_ms, 0), $2::bigint) end
       where id = $1`,
      [id, fromMs ?? null, pausedAfter ?? null],
    );
  }

  async remove(id: string): Promise<void> {
    await this.#sql.query('delete from live_strategies where id = $1', [id]);
  }

  /**
   * Moves each run's checkpoint forward (never back) with its counters as of then: one statement
   * for a wave's runs, whatever their close times. The same candle again with more counted is a
   * run on several feeds that settled another feed's candle of that close.
   */
  async checkpoint(points: readonly LiveCheckpoint[]): Promise<void> {
    if (points.length === 0) return;
    await this.#sql.query(
      `update live_strategies s set checkpoint_ms = p.at, candles = p.candles, signals = p.signals,
         updated_at = now()
       from unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[]) as p(id, at, candles, signals)
       where s.id = p.id and (s.checkpoint_ms is null or s.checkpoint_ms < p.at
         or (s.checkpoint_ms = p.at and s.candles < p.candles))`,
      [
        points.map((p) => p.id),
        points.map((p) => p.atMs),
        points.map((p) => p.candles),
        points.map((p) => p.signals),
      ],
    );
  }

  async get(id: string): Promise<StoredLiveRun | undefined> {
    const { rows } = await this.#sql.query<Row>('select * from live_strategies where id = $1', [id]);
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  async list(userId?: string): Promise<StoredLiveRun[]> {
    const { rows } =
      userId === undefined
        ? await this.#sql.query<Row>('select * from live_strategies order by id')
        : await this.#sql.query<Row>('select * from live_strategies where user_id = $1 order by id', [
            userId,
          ]);
    return rows.map(fromRow);
  }
}
