/**
 * @module The live runner of one process: the enabled strategies it owns, fed by closed candles.
 * Per candle it (1) lets the paper venue fill resting orders with the bar and turns the changes
 * into order events through the order desk, (2) marks the books, then (3) shows the candle to
 * every run on that feed — the backtest's order within one time step — and sends the orders they
 * placed through the desk with a client order id keyed by (strategy, version, candle close time,
 * leg), so deciding again on the same candle after a restart or a takeover asks for the same ids
 * and places nothing twice.
 *
 * A run that throws, or uses more than its CPU budget on a candle, is paused with the reason and a
 * `strategy.live.paused` event goes to its owner; the other runs go on. Engaging a portfolio's kill
 * switch cancels its working orders and pauses its runs.
 */
import { type EventEnvelope, TicklineError } from '@tickline/kernel';
import { INTERVAL_MS } from '@tickline/market';
import { strategyClientOrderId } from '../broker/client-order-id.ts';
import type { Order as VenueOrder } from '../broker/order.ts';
import type { OrderLifecycleEvent } from '../broker/order-transitions.ts';
import type { LogLine } from '../core/types.ts';
import type { KillSwitchActor, KillSwitchEngagement } from '../risk/kill-switch.ts';
import {
  hostSessions,
  type LiveOrder,
  type LiveSession,
  type LiveSessionStep,
  type OpenSession,
} from './live-session.ts';
import type { RecordedFill } from '../sandbox/isolate-live.ts';
import { strategyMetrics, type StrategyMetrics } from '../module/strategy-metrics.ts';
import { StrategyLivePaused, StrategySignal, type StrategySignalData } from './live-events.ts';
import { LiveErrorCodes } from './errors.ts';

// STRATEGY_LIVE_PAUSED is this module's code; naming the catalogue registers it with the kernel.
void LiveErrorCodes;

export type {
  CandleHistory,
  FeedCandle,
  LiveRunnerOptions,
  LiveRunStatus,
  LiveStrategySpec,
} from './live-runner-types.ts';
import type { FeedCandle, LiveRunnerOptions, LiveRunStatus, LiveStrategySpec } from './live-runner-types.ts';

/** Most stored candles one feed replays on enable (warm-up and catch-up together). */
const MAX_HISTORY = 5_000;

function intervalMs(interval: string): number {
  return (INTERVAL_MS as Record<string, number>)[interval] ?? 60_000;
}

/** CPU time a run's whole warm-up may use. @default 2 s */
const DEFAULT_WARMUP_CPU_MS = 2_000;
/** Engine ids of working orders rebuilt from the journal: far above any the engine hands out itself. */
const RESTORED_ORDER_IDS = 1_000_000_000;
/** Longest stretch of taking step answers before the event loop gets a turn. */
const YIELD_EVERY_MS = 5;
/** Fills a run keeps to rebuild its books when its sandbox process is replaced. */
const MAX_RECORDED_FILLS = 10_000;

interface Run {
  spec: LiveStrategySpec;
  session: LiveSession;
  status: LiveRunStatus;
  /** The run's own equity after its last step (its engine sized percent orders from it). */
  equity: number;
  /** Engine order id ↔ client order id, for fills and cancels. */
  byEngineId: Map<number, string>;
  byClientId: Map<string, LiveOrder>;
  /** Deciding stored candles after its checkpoint: live candles wait for the catch-up. */
  catchingUp: boolean;
  /** Close time of the last candle whose decision came back (a reopened run resumes after it). */
  decided?: number;
  /** Executions booked in the engine, replayed into a reopened one (its position and cash). */
  fills: RecordedFill[];
  /** Being reopened after its sandbox process was lost. */
  recovering?: boolean;
  /** Order events that came while a new session replaces this run's (applied to the new one). */
  replacing?: OrderLifecycleEvent[];
  /** The strategy's name, for the events its owner reads ("Strategy SMA cross signalled…"). */
  name?: string;
}

/** See the module comment. */
export class LiveRunner {
  readonly #o: LiveRunnerOptions;
  readonly #runs = new Map<string, Run>();
  /** Runs by `symbol\u0000interval`. */
  readonly #byFeed = new Map<string, Run[]>();
  /** Runs by client order id, for the fills the desk reports. */
  readonly #byOrder = new Map<string, Run>();
  readonly #cpuMs: number;
  readonly #openSession: OpenSession;
  /** Runs being enabled (their session opening, their warm-up running). */
  readonly #enabling = new Set<string>();

  readonly #metrics: StrategyMetrics | undefined;
  /** When the event loop last had a turn while answers were taken (see #breathe). */
  #turn = 0;
  #yielding: Promise<void> | undefined;

  constructor(options: LiveRunnerOptions) {
    this.#o = options;
    this.#metrics = options.metrics ? strategyMetrics(options.metrics) : undefined;
    this.#countRuns();
    this.#cpuMs = options.cpuMsPerCandle ?? Infinity;
    if (options.open === undefined && options.load === undefined)
      throw new TypeError('LiveRunner needs open (the sandbox) or load (trusted definitions)');
    this.#openSession = options.open ?? hostSessions(options.load!);
  }

  /**
   * The desk's emit hook: books fills in the portfolio and in the run that placed the order.
   * Wire it as `emit: (e) => { runner.onOrderEvent(e); publish(orderEnvelope(source, e)); }`.
   */
  onOrderEvent(event: OrderLifecycleEvent): void {
    if (event.type === 'order.filled') this.#o.books.applyFill(event.data);
    const run = this.#byOrder.get(event.data.clientOrderId);
    if (run === undefined) return;
    // Being replaced by a new session: its books are copied at one moment, so what happens to its
    // orders meanwhile waits and is applied to the new one after (see #enable).
    if (run.replacing !== undefined) {
      run.replacing.push(event);
      return;
    }
    this.#orderEvent(run, event);
  }

  /** An order event of one of `run`'s orders, applied to its engine and its records. */
  #orderEvent(run: Run, event: OrderLifecycleEvent): void {
    const order = run.byClientId.get(event.data.clientOrderId);
    if (order === undefined) return;
    if (event.type === 'order.filled') {
      const d = event.data;
      const fill: RecordedFill = [
        d.symbol,
        d.side,
        d.fill.quantity,
        d.fill.price,
        d.fill.fee,
        d.fill.time,
        order.reason,
      ];
      run.session.applyFill(...fill);
      if (run.fills.length < MAX_RECORDED_FILLS) run.fills.push(fill);
      if (!d.partial) this.#forget(run, order);
    } else if (event.type === 'order.cancelled' || event.type === 'order.rejected') {
      this.#forget(run, order);
    }
  }

  #forget(run: Run, order: LiveOrder): void {
    run.session.orderDone(order.id);
    const clientOrderId = run.byEngineId.get(order.id);
    run.byEngineId.delete(order.id);
    if (clientOrderId !== undefined) {
      run.byClientId.delete(clientOrderId);
      this.#byOrder.delete(clientOrderId);
    }
  }

  /**
   * Starts a run: replays `warmupBars` of stored history per feed into a new session, then listens.
   * Nothing is stored when the strategy does not open or its warm-up fails: the caller gets the
   * coded error (a new run is refused, a stored one is retried by the sync and paused after a few
   * attempts). `carry` is the run this one replaces (a resume, or a process lost): its counters,
   * its working orders (same ids) and the executions booked in its engine go on in the new session.
   */
  async enable(
    spec: LiveStrategySpec,
    options: { persist?: boolean; resumeAfter?: number; carry?: Run } = {},
  ): Promise<LiveRunStatus> {
    this.#enabling.add(spec.id);
    try {
      return await this.#enable(spec, options);
    } finally {
      this.#enabling.delete(spec.id);
    }
  }

  /** True while `enable(id)` has not finished (a sync must not start the run a second time). */
  enabling(id: string): boolean {
    return this.#enabling.has(id);
  }

  async #enable(
    spec: LiveStrategySpec,
    options: { persist?: boolean; resumeAfter?: number; carry?: Run },
  ): Promise<LiveRunStatus> {
    const { resumeAfter, carry } = options;
    const merged = await this.#history(spec, resumeAfter);
    const session = await this.#openSession(spec, Math.max(256, spec.warmupBars * 2));
    const status: LiveRunStatus = {
      id: spec.id,
      strategyId: spec.strategyId,
      version: spec.version,
      userId: spec.userId,
      portfolioId: spec.portfolioId,
      state: 'running',
      candles: 0,
      signals: 0,
      lastSignals: [],
      logs: [],
      cpuMs: 0,
      errors: 0,
    };
    const run: Run = {
      spec,
      session,
      status,
      equity: spec.settings.startingCapital,
      byEngineId: new Map(),
      byClientId: new Map(),
      catchingUp: resumeAfter !== undefined,
      fills: [],
    };
    try {
      // Warm-up builds indicators and state; its orders are not real, and vanish. It runs in the
      // run's sandbox process under the tier's per-candle and whole-warm-up CPU budgets.
      const warm = await session.warmup(
        merged.filter((c) => resumeAfter === undefined || c.closeTime <= resumeAfter),
      );
      const budgetMs = this.#o.warmupCpuMs ?? DEFAULT_WARMUP_CPU_MS;
      if (warm.cpuMs > budgetMs)
        throw new TicklineError(
          'STRATEGY_CPU_LIMIT',
          `warm-up used ${warm.cpuMs.toFixed(0)} ms of CPU (limit ${budgetMs} ms for the whole warm-up)`,
          { details: { cpuMs: budgetMs, usedMs: warm.cpuMs } },
        );
      status.cpuMs += warm.cpuMs;
      run.equity = warm.equity;
      this.#keepLogs(run, warm.logs);
      if (carry !== undefined) await this.#inherit(run, carry);
      else if (resumeAfter !== undefined) await this.#rebuild(run);
      const name = await this.#o.nameOf?.(spec.userId, spec.strategyId).catch(() => undefined);
      if (name !== undefined) run.name = name;
      if (options.persist !== false) await this.#o.persist?.enabled(spec);
    } catch (error) {
      session.dispose();
      throw error;
    }
    this.disable(spec.id);
    if (resumeAfter !== undefined)
      run.status.lastCandleTime = Math.max(resumeAfter, run.status.lastCandleTime ?? -Infinity);
    run.decided = run.status.lastCandleTime;
    this.#runs.set(spec.id, run);
    for (const id of run.byClientId.keys()) this.#byOrder.set(id, run);
    for (const event of carry?.replacing?.splice(0) ?? []) this.#orderEvent(run, event);
    for (const f of spec.feeds) {
      const key = `${f.symbol}\u0000${f.interval}`;
      this.#byFeed.set(key, [...(this.#byFeed.get(key) ?? []), run]);
    }
    session.onLost?.(() => void this.#recover(run));
    this.#countRuns();
    if (resumeAfter !== undefined) {
      // Catch-up: the candles after the checkpoint are decided now, as they would have been live
      // (their orders keyed by their close times, so those already placed are not placed again).
      // Live candles wait meanwhile (a newer one first would make the older ones look decided);
      // the store is read until it has nothing newer, then once more after live candles flow
      // again, so a candle stored and published in between is not missed either.
      const catchUp = async (): Promise<number> => {
        let stepped = 0;
        const after = run.status.lastCandleTime ?? resumeAfter;
        for (const c of await this.#history(spec, resumeAfter))
          if (c.closeTime > after && run.status.state === 'running' && this.#runs.get(spec.id) === run) {
            const feed = spec.feeds[c.k]!;
            await this.#step(run, { ...c, symbol: feed.symbol, interval: feed.interval });
            stepped++;
          }
        return stepped;
      };
      while ((await catchUp()) > 0);
      run.catchingUp = false;
      await catchUp();
    }
    return status;
  }

  /**
   * What a new session takes over from the run it replaces: counters, recent signals and logs,
   * the executions booked (so its position and cash are the old engine's), and the working orders
   * with their ids (so the strategy sees and can cancel them, and their fills reach it).
   */
  async #inherit(run: Run, before: Run): Promise<void> {
    const status = run.status;
    const old = before.status;
    status.candles += old.candles;
    status.signals += old.signals;
    status.cpuMs += old.cpuMs;
    status.errors += old.errors;
    status.lastSignals = old.lastSignals;
    status.logs = [...old.logs, ...status.logs].slice(-(this.#o.keepLogs ?? 200));
    if (old.lastError) status.lastError ??= old.lastError;
    // Its last *decided* candle: one claimed but never answered (its process died under it) is
    // decided again by the new session.
    const last = before.decided ?? old.lastCandleTime;
    if (last !== undefined) status.lastCandleTime = last;
    await run.session.restore({ fills: before.fills, orders: [...before.byClientId.values()] });
    run.fills = [...before.fills];
    for (const [clientOrderId, order] of before.byClientId) run.byClientId.set(clientOrderId, order);
    for (const [id, clientOrderId] of before.byEngineId) run.byEngineId.set(id, clientOrderId);
  }

  /**
   * A run started again after a restart of its process or a takeover from another one: its books
   * come back from the journal — every execution of its orders, in time order, and its working
   * orders under new engine ids (mapped to their client ids, so fills and cancels reach them).
   */
  async #rebuild(run: Run): Promise<void> {
    const { spec } = run;
    if (this.#o.orders === undefined || spec.ordersSince === undefined) return;
    const orders = (
      await this.#o.orders.ofStrategy(spec.portfolioId, spec.strategyId, spec.ordersSince)
    ).filter((o) => o.origin?.kind === 'strategy' && o.origin.version === spec.version);
    const fills: RecordedFill[] = orders
      .flatMap((o) => o.fills.map((f) => ({ o, f })))
      .sort((a, b) => a.f.time - b.f.time)
      .map(({ o, f }) => [o.symbol, o.side, f.quantity, f.price, f.fee, f.time, 'restored']);
    const open = orders.filter((o) => o.status === 'new' || o.status === 'partially_filled');
    const working: LiveOrder[] = open.map((o, i) => ({
      id: RESTORED_ORDER_IDS + i,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      qty: o.quantity,
      percent: 0,
      price: o.price ?? NaN,
      reason: 'restored',
    }));
    if (fills.length === 0 && working.length === 0) return;
    await run.session.restore({ fills, orders: working });
    run.fills = fills.slice(-MAX_RECORDED_FILLS);
    working.forEach((order, i) => {
      const clientOrderId = open[i]!.clientOrderId;
      run.byEngineId.set(order.id, clientOrderId);
      run.byClientId.set(clientOrderId, order);
    });
  }

  /**
   * The run's sandbox process was lost (another run's code took it down, or it crashed): the run
   * reopens in a fresh process from its last decided candle; the candles after it are decided
   * again with the same client order ids, so none is skipped and none is placed twice.
   */
  async #recover(run: Run): Promise<void> {
    // The step that lost it may still be settling (a culprit's own step pauses it): let it.
    await new Promise((resolve) => setImmediate(resolve));
    if (run.recovering || this.#runs.get(run.spec.id) !== run || run.status.state !== 'running') return;
    run.recovering = true;
    run.replacing = [];
    this.#metrics?.sandboxFailures.inc({ reason: 'SANDBOX_PROCESS_LOST' });
    run.status.lastCandleTime = run.decided;
    const resumeAfter = run.decided ?? this.#o.clock.now();
    try {
      await this.enable(run.spec, { persist: false, resumeAfter, carry: run });
      this.#o.onReopen?.(run.spec.id, { resumeAfter });
    } catch (error) {
      run.recovering = false;
      // Nothing replaced it: what waited is its own again.
      for (const event of run.replacing?.splice(0) ?? []) this.#orderEvent(run, event);
      delete run.replacing;
      this.#o.onReopen?.(run.spec.id, { resumeAfter, error });
      if (this.#runs.get(run.spec.id) === run) this.#pause(run, error);
    }
  }

  /** Stored candles of a run's feeds, oldest first: warm-up, and what closed after `resumeAfter`. */
  async #history(spec: LiveStrategySpec, resumeAfter: number | undefined) {
    const now = this.#o.clock.now();
    const history = await Promise.all(
      spec.feeds.map(async (f, k) => {
        const since =
          resumeAfter === undefined ? 0 : Math.ceil((now - resumeAfter) / intervalMs(f.interval)) + 1;
        const count = Math.min(MAX_HISTORY, spec.warmupBars + since);
        if (count <= 0) return [];
        return (await this.#o.history(f.symbol, f.interval, count, now)).map((c) => ({ ...c, k }));
      }),
    );
    return history.flat().sort((a, b) => a.closeTime - b.closeTime || a.k - b.k);
  }

  /** Stops a run and forgets it (its working orders stay at the venue). */
  disable(id: string): boolean {
    const run = this.#runs.get(id);
    if (run === undefined) return false;
    this.#runs.delete(id);
    for (const f of run.spec.feeds) {
      const key = `${f.symbol}\u0000${f.interval}`;
      this.#byFeed.set(
        key,
        (this.#byFeed.get(key) ?? []).filter((r) => r !== run),
      );
    }
    for (const id of run.byClientId.keys()) this.#byOrder.delete(id);
    run.session.dispose();
    this.#countRuns();
    return true;
  }

  #keepLogs(run: Run, lines: readonly LogLine[]): void {
    if (lines.length === 0) return;
    const logs = run.status.logs;
    logs.push(...lines);
    const keep = this.#o.keepLogs ?? 200;
    if (logs.length > keep) logs.splice(0, logs.length - keep);
  }

  /** Pauses a run on request (the owner, or the kill switch). */
  pause(id: string, code: string, reason: string): LiveRunStatus | undefined {
    const run = this.#runs.get(id);
    if (run === undefined) return undefined;
    this.#pause(run, new TicklineError('STRATEGY_LIVE_PAUSED', reason), code);
    return run.status;
  }

  /**
   * Resumes a paused run from the next closed candle: candles that closed while it was paused are
   * not replayed, so a resume never places the orders a pause skipped. Stored first, so the other
   * runner processes' sync does not pause it again.
   */
  async resume(id: string): Promise<LiveRunStatus | undefined> {
    const run = this.#runs.get(id);
    if (run === undefined) return undefined;
    await this.#o.persist?.resumed?.(id);
    // A pause disposed the run's sandbox: resuming opens a new one and warms it up on the stored
    // history, as an enable does (its orders vanish), so the next closed candle is decided live.
    // Flipping the state alone left the run on a dead session, which paused it again at once.
    run.replacing = [];
    try {
      return await this.enable(run.spec, { persist: false, carry: run });
    } catch (error) {
      for (const event of run.replacing.splice(0)) this.#orderEvent(run, event);
      delete run.replacing;
      throw error;
    }
  }

  /** The owner's stop: forgotten in the store (every process drops it at its next sync) and here. */
  async stop(id: string): Promise<boolean> {
    if (!this.#runs.has(id)) return false;
    await this.#o.persist?.stopped?.(id);
    return this.disable(id);
  }

  /** Marks a run paused elsewhere (another process, read from the store) without a new event. */
  markPaused(id: string, pause: { code: string; reason: string; at: number }): void {
    const run = this.#runs.get(id);
    if (run === undefined || run.status.state === 'paused') return;
    run.status.state = 'paused';
    run.status.pause = pause;
    this.#countRuns();
  }

  status(id: string): LiveRunStatus | undefined {
    return this.#runs.get(id)?.status;
  }

  list(): LiveRunStatus[] {
    return [...this.#runs.values()].map((r) => r.status);
  }

  /** Engages a portfolio's kill switch: cancels its working orders and pauses its runs. */
  async killSwitch(
    portfolioId: string,
    actor: KillSwitchActor,
    engagement: KillSwitchEngagement,
  ): Promise<VenueOrder[]> {
    const state = this.#o.risk.engage(portfolioId, actor, engagement);
    for (const run of this.#runs.values())
      if (run.spec.portfolioId === portfolioId && run.status.state === 'running')
        this.#pause(
          run,
          new TicklineError('STRATEGY_LIVE_PAUSED', `kill switch: ${engagement.reason}`),
          'kill_switch',
        );
    return this.#o.desk.cancelAll(portfolioId, state);
  }

  /** The runs gauge, after a run started, stopped or changed state. */
  #countRuns(): void {
    if (this.#metrics === undefined) return;
    let running = 0;
    for (const run of this.#runs.values()) if (run.status.state === 'running') running++;
    this.#metrics.liveRuns.set({ state: 'running' }, running);
    this.#metrics.liveRuns.set({ state: 'paused' }, this.#runs.size - running);
  }

  /**
   * A stored run that could not start here (its code does not load, or kept failing): it is
   * paused in the store with the reason, and its owner is told — it is not retried for ever.
   */
  failedToStart(spec: LiveStrategySpec, error: unknown): void {
    const at = this.#o.clock.now();
    const coded = error instanceof TicklineError ? error : undefined;
    const reason = error instanceof Error ? error.message : String(error);
    const pause = { code: coded?.code ?? 'STRATEGY_RUNTIME_ERROR', reason, at };
    this.#o.persist?.paused(spec.id, pause).catch((e: unknown) => this.#o.onPersistError?.(e));
    this.#o.publish(
      this.#o.source.create(StrategyLivePaused, {
        subject: spec.id,
        data: {
          strategyId: spec.strategyId,
          userId: spec.userId,
          portfolioId: spec.portfolioId,
          code: pause.code,
          reason,
          at,
        },
      }),
    );
  }

  #pause(run: Run, error: unknown, code?: string): void {
    if (run.status.state === 'paused') return;
    const at = this.#o.clock.now();
    const coded = error instanceof TicklineError ? error : undefined;
    const reason = error instanceof Error ? error.message : String(error);
    run.status.state = 'paused';
    run.status.pause = { code: code ?? coded?.code ?? 'STRATEGY_RUNTIME_ERROR', reason, at };
    this.#countRuns();
    // A pause without a requester's code is a failure: operators count them.
    if (code === undefined) {
      this.#metrics?.sandboxFailures.inc({ reason: run.status.pause.code });
      run.status.errors++;
      run.status.lastError = { ...run.status.pause };
    }
    // A run that failed in its sandbox has lost it; one paused by request keeps nothing either.
    run.session.dispose();
    this.#o.persist?.paused(run.spec.id, run.status.pause).catch((e: unknown) => this.#o.onPersistError?.(e));
    this.#o.publish(
      this.#o.source.create(StrategyLivePaused, {
        subject: run.spec.id,
        data: {
          strategyId: run.spec.strategyId,
          ...(run.name === undefined ? {} : { strategyName: run.name }),
          userId: run.spec.userId,
          portfolioId: run.spec.portfolioId,
          code: run.status.pause.code,
          reason,
          at,
        },
      }),
    );
  }

  /**
   * Handles a batch of `market.candle.closed` envelopes (an eventlog consumer's handler), and the
   * `market.trade` ones a manual market order waits for.
   */
  async handle(events: readonly EventEnvelope[]): Promise<void> {
    let wave: FeedCandle[] = [];
    const keys = new Set<string>();
    for (const e of events) {
      if (e.type === 'market.trade') {
        const trade = e.data as { symbol: string; price: number; exchangeTime: number };
        if (this.#o.paper?.awaitsPrice(trade.symbol) !== true) continue;
        // The candles before it in the batch come first: the price after acceptance is this one.
        if (wave.length > 0) await this.#wave(wave);
        wave = [];
        keys.clear();
        await this.#trade(trade);
        continue;
      }
      if (e.type !== 'market.candle.closed') continue;
      const d = e.data as FeedCandle & { incomplete?: boolean; correction?: boolean };
      // A correction revises a candle already acted on; runs decide once per candle.
      if (d.correction === true || d.incomplete === true) continue;
      // Candles of different feeds closing together are one wave: every run on them is asked at
      // once. A feed's next candle waits for the wave before it (its fills come from it).
      const key = `${d.symbol}\u0000${d.interval}`;
      if (keys.has(key)) {
        await this.#wave(wave);
        wave = [];
        keys.clear();
      }
      keys.add(key);
      wave.push(d);
    }
    if (wave.length > 0) await this.#wave(wave);
  }

  /** One closed candle: fills, marks, then every run on the feed. */
  onCandle(candle: FeedCandle): Promise<void> {
    return this.#wave([candle]);
  }

  /**
   * Closed candles of distinct feeds: the paper venue fills resting orders with each bar and the
   * books are marked, then every run on those feeds is asked in one turn (the sandbox sends their
   * steps together, one message per process), then each run's orders are placed as its answer comes.
   */
  async #wave(candles: readonly FeedCandle[]): Promise<void> {
    for (const candle of candles) await this.#fillAndMark(candle);
    const owns = this.#o.owns;
    const asked: Array<[Run, FeedCandle, Promise<LiveSessionStep>]> = [];
    for (const candle of candles)
      for (const run of this.#byFeed.get(`${candle.symbol}\u0000${candle.interval}`) ?? [])
        if (
          run.status.state === 'running' &&
          !run.catchingUp &&
          // Reopening: its catch-up decides this candle from the store (asking the lost session
          // would claim it, and the reopened run would start after it).
          !run.recovering &&
          (owns === undefined || owns(run.spec.id))
        ) {
          const step = this.#ask(run, candle);
          if (step !== undefined) asked.push([run, candle, step]);
        }
    // Each answer is taken as it comes (a sandbox process sends its first runs' answers while it
    // steps the rest), so no run waits for another's answer. The orders of one portfolio still go
    // in the runs' order (its risk checks see each other's orders); portfolios go side by side.
    this.#turn = performance.now();
    const chains = new Map<string, Promise<void>>();
    const acted: Array<Promise<void>> = [];
    for (const [run, candle, step] of asked) {
      const key = run.spec.portfolioId;
      const act = (chains.get(key) ?? Promise.resolve()).then(async () => {
        await step.catch(() => {});
        await this.#breathe();
        return this.#act(run, candle, step);
      });
      chains.set(key, act);
      acted.push(act);
    }
    await Promise.all(acted);
  }

  /** Thousands of answers are taken in a row: the event loop gets a turn every YIELD_EVERY_MS. */
  async #breathe(): Promise<void> {
    while (performance.now() - this.#turn > YIELD_EVERY_MS)
      await (this.#yielding ??= new Promise<void>((resolve) =>
        setImmediate(() => {
          this.#yielding = undefined;
          this.#turn = performance.now();
          resolve();
        }),
      ));
  }

  /** A trade a manual market order waits for (checked first: trades are many). */
  async #trade(trade: { symbol: string; price: number; exchangeTime: number }): Promise<void> {
    for (const order of await this.#o.paper!.onPrice(trade.symbol, trade.price, trade.exchangeTime))
      await this.#o.desk.applyUpdate(order);
  }

  async #fillAndMark(candle: FeedCandle): Promise<void> {
    const { symbol, interval } = candle;
    // Any closed candle (1 s ones close every second) is a price after what came before it.
    if (this.#o.paper)
      for (const order of await this.#o.paper.onPrice(symbol, candle.close, candle.closeTime))
        await this.#o.desk.applyUpdate(order);
    if (this.#o.paper && interval === (this.#o.fillInterval ?? '1m')) {
      const bar = {
        symbol,
        open: candle.open,
        high: candle.high,
        low: candle.low,
        close: candle.close,
        volume: Infinity,
        time: candle.openTime,
      };
      for (const order of await this.#o.paper.onBar(bar)) await this.#o.desk.applyUpdate(order);
    }
    this.#o.books.mark(symbol, candle.close, candle.closeTime);
  }

  async #step(run: Run, candle: FeedCandle): Promise<void> {
    const step = this.#ask(run, candle);
    if (step !== undefined) await this.#act(run, candle, step);
  }

  /** Shows the candle to the run, unless it saw it already. */
  #ask(run: Run, candle: FeedCandle): Promise<LiveSessionStep> | undefined {
    const f = run.session.feedOf(candle.symbol, candle.interval);
    const lastTime = run.status.lastCandleTime;
    if (lastTime !== undefined && candle.closeTime <= lastTime && run.spec.feeds.length === 1)
      return undefined;
    // Claimed before the strategy runs: a catch-up and the live consumer may offer the same candle.
    run.status.lastCandleTime = candle.closeTime;
    const step = run.session.advance(f, candle);
    // Settled later, in order; never an unhandled rejection meanwhile.
    step.catch(() => {});
    return step;
  }

  /** Takes a step's answer: books it, places and cancels its orders, or pauses the run. */
  async #act(run: Run, candle: FeedCandle, pending: Promise<LiveSessionStep>): Promise<void> {
    let step: LiveSessionStep;
    try {
      step = await pending;
    } catch (error) {
      if (this.#runs.get(run.spec.id) !== run) return;
      // Its process went away: the run reopens from its last decided candle (see #recover).
      if (error instanceof TicklineError && error.code === 'SANDBOX_PROCESS_LOST')
        return void this.#recover(run);
      this.#pause(run, error);
      return;
    }
    if (this.#runs.get(run.spec.id) !== run) return;
    const used = step.cpuMs;
    this.#metrics?.evaluation.observe(used / 1_000);
    run.status.cpuMs += used;
    run.equity = step.equity;
    this.#keepLogs(run, step.logs);
    run.status.candles++;
    run.decided = Math.max(run.decided ?? -Infinity, candle.closeTime);
    if (used > this.#cpuMs && this.#o.open === undefined) {
      this.#pause(
        run,
        new TicklineError(
          'STRATEGY_CPU_LIMIT',
          `onCandle used ${used.toFixed(1)} ms (limit ${this.#cpuMs} ms per candle)`,
        ),
      );
      return;
    }
    for (const id of step.cancelled) {
      const clientOrderId = run.byEngineId.get(id);
      if (clientOrderId === undefined) continue;
      const order = run.byClientId.get(clientOrderId)!;
      await this.#o.desk.cancel(
        { portfolioId: run.spec.portfolioId, symbol: order.symbol, clientOrderId },
        'strategy',
      );
    }
    let leg = 0;
    for (const order of step.placed) await this.#place(run, order, candle, leg++);
    this.#o.observe?.(run.spec.id, candle);
  }

  async #place(run: Run, order: LiveOrder, candle: FeedCandle, leg: number): Promise<void> {
    const { spec, session } = run;
    // Percent orders come sized: the engine sizes them when placed, as in a backtest (one rule:
    // the equity and the symbol's last close then, core/engine.ts `sizeForPercent`).
    const quantity = order.qty;
    // A sell past the position is the venue's to clamp when it fills (the paper venue does it as
    // the backtest does); clamping here would drop a stop placed with the buy it protects.
    if (!(quantity > 0)) {
      session.orderDone(order.id);
      return;
    }
    const clientOrderId = strategyClientOrderId({
      strategyId: spec.id,
      version: spec.version,
      candleCloseTime: candle.closeTime,
      leg,
    });
    run.byEngineId.set(order.id, clientOrderId);
    run.byClientId.set(clientOrderId, order);
    this.#byOrder.set(clientOrderId, run);
    const signal: StrategySignalData = {
      strategyId: spec.strategyId,
      ...(run.name === undefined ? {} : { strategyName: run.name }),
      version: spec.version,
      userId: spec.userId,
      portfolioId: spec.portfolioId,
      candleCloseTime: candle.closeTime,
      clientOrderId,
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      quantity,
      ...(order.type === 'market' ? {} : { price: order.price }),
      reason: order.reason,
    };
    run.status.signals++;
    this.#metrics?.signals.inc({ side: order.side });
    run.status.lastSignals.push(signal);
    if (run.status.lastSignals.length > (this.#o.keepSignals ?? 20)) run.status.lastSignals.shift();
    this.#o.publish(this.#o.source.create(StrategySignal, { subject: spec.strategyId, data: signal }));
    await this.#o.desk.place({
      portfolioId: spec.portfolioId,
      clientOrderId,
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      quantity,
      ...(order.type === 'market' ? {} : { price: order.price }),
      origin: {
        kind: 'strategy',
        strategyId: spec.strategyId,
        version: spec.version,
        candleCloseTime: candle.closeTime,
      },
    });
  }
}
