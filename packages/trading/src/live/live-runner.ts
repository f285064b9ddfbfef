/**
 * @module The live runner of one process: the enabled strategies it owns, fed by closed candles.
 * Per candle it (1) lets the paper venue fill resting orders with the bar and turns the changes
 * into order events through the order desk, (2) marks the books (market-prices.ts), then (3) shows
 * the candle to every run on that feed — the backtest's order within one time step — and sends the
 * orders they placed through the desk (run-orders.ts) with a client order id keyed by (strategy,
 * version, candle close time, leg), so deciding again on the same candle after a restart or a
 * takeover asks for the same ids and places nothing twice.
 *
 * A run that throws, or uses more than its CPU budget on a candle, is paused with the reason and a
 * `strategy.live.paused` event goes to its owner (run-pause.ts); the other runs go on. Engaging a
 * portfolio's kill switch cancels its working orders and pauses its runs. A run that starts again
 * gets its books back from the run it replaces or from the order journal (run-restore.ts).
 */
import { type EventEnvelope, TicklineError } from '@tickline/kernel';
import type { Order as VenueOrder } from '../broker/order.ts';
import type { OrderLifecycleEvent } from '../broker/order-transitions.ts';
import { hostSessions, type LiveWarmup, type LogLine, type OpenSession } from '@tickline/strategy';
import type { KillSwitchActor, KillSwitchEngagement } from '../risk/kill-switch.ts';
import { isKillSwitchEngaged } from '../risk/kill-switch.ts';
import { CpuResumes } from './cpu-resume.ts';
import { countRuns, liveMetrics, type LiveMetrics } from './live-metrics.ts';
import { LiveErrorCodes } from './errors.ts';
import {
  checkpointOf,
  DEFAULT_KEEP_LOGS,
  type EnableOptions,
  keepLogs,
  lastDecided,
  type LiveRun,
  newRun,
} from './live-run.ts';
import { fillOnTrade, marketSteps } from './market-prices.ts';
import { RunOrders } from './run-orders.ts';
import { ForceExits } from './run-force-exit.ts';
import { reopenWithRetries } from './run-reopen.ts';
import { announcePause, pauseOf, pauseRun, type RunPauseContext } from './run-pause.ts';
import { type CatchUpContext, catchUp, OrderHolds, RecentCandles } from './run-catch-up.ts';
import { RunsByFeed } from './runs-by-feed.ts';
import {
  bookFlatten,
  inherit,
  rebuild,
  resumeFrom,
  storedHistory,
  storedUntilNow,
  warmUpNew,
} from './run-restore.ts';
import type { WaveBoxContext } from './wave-box.ts';
import type { LiveCheckpoint } from './live-store.ts';
import { RunHealth } from './run-health.ts';
import { RunWaves } from './run-waves.ts';

// STRATEGY_LIVE_PAUSED is this module's code; naming the catalogue registers it with the kernel.
void LiveErrorCodes;

export type {
  CandleHistory,
  FeedCandle,
  LiveRunnerOptions,
  LiveRunStatus,
  LiveStrategySpec,
} from './live-runner-types.ts';
import type {
  FeedCandle,
  LiveRunnerOptions,
  LiveRunStatus,
  LiveStrategySpec,
  WarmupWindow,
} from './live-runner-types.ts';

/** CPU time a run's whole warm-up may use. @default 2 s */
const DEFAULT_WARMUP_CPU_MS = 2_000;

/** See the module comment. */
export class LiveRunner {
  readonly #o: LiveRunnerOptions;
  readonly #runs = new Map<string, LiveRun>();
  /** Runs by feed, for the waves. */
  readonly #byFeed = new RunsByFeed();
  /** The runs' orders at the desk: runs by client order id, for the fills the desk reports. */
  readonly #orders: RunOrders;
  readonly #openSession: OpenSession;
  /** Force exits: their answers wait for their orders to fill (run-force-exit.ts). */
  readonly #exits: ForceExits;
  /** Runs being enabled (their session opening, their warm-up running). */
  readonly #enabling = new Set<string>();

  readonly #metrics: LiveMetrics | undefined;
  /** What pausing a run needs of the runner (run-pause.ts). */
  readonly #pauses: RunPauseContext;
  /** Runs paused for CPU, waiting to resume by themselves (cpu-resume.ts). */
  readonly #cpuResumes: CpuResumes;
  /** The waves of closed candles through the runs (run-waves.ts). */
  readonly #waves: RunWaves;
  /** The data-health interlock (run-health.ts), when configured. */
  readonly #health: RunHealth | undefined;
  /** What a wave's late runs need of the runner (wave-box.ts). */
  readonly #lateRuns: WaveBoxContext = {
    hold: (run) => this.orderHolds.hold(run.spec),
    current: (run) =>
      this.#runs.get(run.spec.id) === run && run.status.state === 'running' && !run.recovering,
    catchUp: (run, release) =>
      // After the candle it was late with (claimed when asked, so always set).
      catchUp(
        this.#catchUpContext(run.spec.id),
        run,
        run.status.lastCandleTime ?? this.#o.clock.now(),
        undefined,
        release,
      ),
    failed: (run, error) => this.#o.onLateError?.(run?.spec.id, error),
  };
  /** Live candles a run catching up decides when the store has not written them yet. */
  readonly #recent = new RecentCandles();
  /**
   * Runs whose orders live bars pass over while they catch up (run-catch-up.ts): the paper venue's
   * `held`; a sync holds the runs it is about to start before it takes over their orders, an enable
   * holds its run until its catch-up is done.
   */
  readonly orderHolds = new OrderHolds();

  constructor(options: LiveRunnerOptions) {
    this.#o = options;
    this.#metrics = options.metrics ? liveMetrics(options.metrics) : undefined;
    this.#orders = new RunOrders(options, this.#metrics);
    this.#exits = new ForceExits(this.#orders);
    this.#pauses = { options, metrics: this.#metrics, countRuns: () => this.#countRuns() };
    this.#cpuResumes = new CpuResumes({
      clock: options.clock,
      resume: (id) => this.resume(id),
      wanted: (id) => this.#resumesByItself(id),
      ...(options.onAutoResume === undefined ? {} : { resumed: options.onAutoResume }),
      ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
    });
    this.#countRuns();
    this.#health =
      options.dataHealth === undefined
        ? undefined
        : new RunHealth(options.dataHealth, { ...options, runs: () => this.#runs.values() });
    this.#waves = new RunWaves({
      options,
      metrics: this.#metrics,
      orders: this.#orders,
      byFeed: this.#byFeed,
      recent: this.#recent,
      lateRuns: this.#lateRuns,
      current: (run) => this.#runs.get(run.spec.id) === run,
      lost: (run) => void this.#recover(run),
      pause: (run, error) => this.#pause(run, error),
      ...(this.#health === undefined ? {} : { health: this.#health }),
    });
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
    this.#exits.settle(event);
    const run = this.#orders.runOf(event.data.clientOrderId);
    if (run === undefined) return;
    // Being replaced by a new session: its books are copied at one moment, so what happens to its
    // orders meanwhile waits and is applied to the new one after (see #enable).
    if (run.replacing !== undefined) {
      run.replacing.push(event);
      return;
    }
    this.#orders.apply(run, event);
  }

  /**
   * Starts a run: replays `warmupBars` of stored history per feed into a new session, then listens.
   * Nothing is stored when the strategy does not open or its warm-up fails: the caller gets the
   * coded error (a new run is refused, a stored one is retried by the sync and paused after a few
   * attempts). `carry` is the run this one replaces (a resume, or a process lost): its counters,
   * its working orders (same ids) and the executions booked in its engine go on in the new session.
   */
  async enable(spec: LiveStrategySpec, options: EnableOptions = {}): Promise<LiveRunStatus> {
    this.#enabling.add(spec.id);
    const release = this.orderHolds.hold(spec);
    try {
      return await this.#enable(spec, options, release);
    } finally {
      release();
      this.#enabling.delete(spec.id);
    }
  }

  /** True while `enable(id)` has not finished (a sync must not start the run a second time). */
  enabling(id: string): boolean {
    return this.#enabling.has(id);
  }

  async #enable(spec: LiveStrategySpec, options: EnableOptions, release: () => void): Promise<LiveRunStatus> {
    const { carry } = options;
    const startedAt = this.#o.clock.now();
    // A run rebuilt from the journal resumes after its last ordered candle too (run-restore.ts).
    const { resumeAfter, counts } =
      options.resumeAfter === undefined || carry !== undefined
        ? options
        : await resumeFrom(this.#o, spec, options.resumeAfter, options.counts);
    // A run resuming reads its history now (its catch-up reads again); a new one after its sandbox
    // opened (seconds at load), so that candles closing meanwhile are part of its warm-up.
    const merged = resumeAfter === undefined ? [] : await storedHistory(this.#o, spec, resumeAfter);
    // Resumed from a pause for CPU: on probation in its new session (which cannot know of the pause).
    const cpuProbation =
      carry?.status.state === 'paused' && carry.status.pause?.code === 'STRATEGY_CPU_LIMIT';
    const session = await this.#openSession(spec, Math.max(256, spec.warmupBars * 2), { cpuProbation });
    const run = newRun(spec, session, resumeAfter);
    const status = run.status;
    if (carry === undefined && counts !== undefined) Object.assign(status, counts);
    let windows: Array<WarmupWindow | undefined> | undefined;
    try {
      // Warm-up builds indicators and state; its orders are not real, and vanish. It runs in the
      // run's sandbox process under the tier's per-candle and whole-warm-up CPU budgets.
      let warm: LiveWarmup;
      if (resumeAfter === undefined) {
        ({ warm, windows } = await warmUpNew(this.#o, spec, session));
        run.warmupEnds = windows.map((w) => w?.to);
        // A candle stored after its last read and offered before it listens is decided from the
        // store (the catch-up below); one read already is not decided again (claimCandle).
        run.catchingUp = windows.some((w) => w !== undefined);
      } else warm = await session.warmup(merged.filter((c) => c.closeTime <= resumeAfter));
      const budgetMs = this.#o.warmupCpuMs ?? DEFAULT_WARMUP_CPU_MS;
      if (warm.cpuMs > budgetMs)
        throw new TicklineError(
          'STRATEGY_CPU_LIMIT',
          `warm-up used ${warm.cpuMs.toFixed(0)} ms of CPU (limit ${budgetMs} ms for the whole warm-up)`,
          { details: { cpuMs: budgetMs, usedMs: warm.cpuMs } },
        );
      status.cpuMs += warm.cpuMs;
      run.equity = warm.equity;
      // Told apart from live decisions: the same history replays at each reopen (run-restore.ts).
      this.#keepLogs(run, warm.logs.map((line) => ({ ...line, warmup: true as const })));
      if (carry !== undefined) await inherit(run, carry, this.#o.keepLogs ?? DEFAULT_KEEP_LOGS, this.#o.orders);
      else if (resumeAfter !== undefined) await rebuild(run, this.#o.orders);
      const name = await this.#o.nameOf?.(spec.userId, spec.strategyId).catch(() => undefined);
      if (name !== undefined) run.name = status.strategyName = name;
      if (options.persist !== false)
        await this.#o.persist?.enabled(
          spec,
          windows === undefined ? {} : { warmup: windows.map((w) => w ?? null) },
        );
    } catch (error) {
      session.dispose();
      throw error;
    }
    this.disable(spec.id);
    if (resumeAfter !== undefined)
      run.status.lastCandleTime = Math.max(resumeAfter, run.status.lastCandleTime ?? -Infinity);
    run.decided = run.status.lastCandleTime;
    this.#runs.set(spec.id, run);
    // A run started on a feed that is unhealthy now holds its entries from its first candle.
    this.#health?.started(run, carry !== undefined);
    this.#orders.track(run);
    for (const event of carry?.replacing?.splice(0) ?? []) this.#orders.apply(run, event);
    this.#byFeed.add(run);
    session.onLost?.(() => void this.#recover(run));
    this.#countRuns();
    if (run.catchingUp) {
      // Catch-up (run-catch-up.ts): the stored candles after the checkpoint — a new run: after its
      // warm-up, read from when it began, not back to an old feed's last candle — decided now,
      // keyed by close time so none is placed twice; live candles wait meanwhile.
      await catchUp(this.#catchUpContext(spec.id), run, resumeAfter ?? startedAt, resumeAfter, release);
    }
    return status;
  }

  /** What a catch-up of run `id` needs (run-catch-up.ts). */
  #catchUpContext(id: string): CatchUpContext {
    return {
      options: this.#o,
      recent: this.#recent,
      current: (r: LiveRun) => r.status.state === 'running' && this.#runs.get(id) === r,
      step: (r: LiveRun, candle: FeedCandle) => this.#waves.step(r, candle),
    };
  }

  /**
   * The run's sandbox process was lost (another run's code took it down, or it crashed): the run
   * reopens in a fresh process from its last decided candle; the candles after it are decided
   * again with the same client order ids, so none is skipped and none is placed twice.
   */
  async #recover(run: LiveRun): Promise<void> {
    // The step that lost it may still be settling (a culprit's own step pauses it): let it.
    await new Promise((resolve) => setImmediate(resolve));
    if (run.recovering || this.#runs.get(run.spec.id) !== run || run.status.state !== 'running') return;
    run.recovering = true;
    run.replacing = [];
    this.#metrics?.sandboxFailures.inc({ reason: 'SANDBOX_PROCESS_LOST' });
    run.status.lastCandleTime = run.decided;
    // Never decided a candle: it resumes after its warm-up, as the run it replaces would have.
    const warmedUntil = Math.max(...(run.warmupEnds ?? []).map((e) => e ?? -Infinity));
    const resumeAfter = run.decided ?? (warmedUntil > -Infinity ? warmedUntil : this.#o.clock.now());
    const outcome = await reopenWithRetries({
      attempt: () => this.enable(run.spec, { persist: false, resumeAfter, carry: run }).then(() => {}),
      // Stopped, paused or replaced meanwhile: nothing left to reopen.
      wanted: () => this.#runs.get(run.spec.id) === run && run.status.state === 'running',
      retrying: (error, retryInMs) => this.#o.onReopen?.(run.spec.id, { resumeAfter, error, retryInMs }),
    });
    if (outcome === 'reopened') return this.#o.onReopen?.(run.spec.id, { resumeAfter });
    // Nothing replaced it: what waited for the new session is its own again.
    run.recovering = false;
    for (const event of run.replacing?.splice(0) ?? []) this.#orders.apply(run, event);
    delete run.replacing;
    if (outcome === 'abandoned') return;
    this.#o.onReopen?.(run.spec.id, { resumeAfter, error: outcome.error });
    if (this.#runs.get(run.spec.id) === run) this.#pause(run, outcome.error);
  }

  /** Stops a run and forgets it (its working orders stay at the venue). */
  disable(id: string): boolean {
    this.#cpuResumes.cancel(id);
    const run = this.#runs.get(id);
    if (run === undefined) return false;
    this.#runs.delete(id);
    this.#byFeed.remove(run);
    this.#orders.untrack(run);
    run.session.dispose();
    this.#countRuns();
    return true;
  }

  #keepLogs(run: LiveRun, lines: readonly LogLine[]): void {
    keepLogs(run, lines, this.#o.keepLogs ?? DEFAULT_KEEP_LOGS);
  }

  /** Pauses a run on request (the owner, or the kill switch). */
  pause(id: string, code: string, reason: string): LiveRunStatus | undefined {
    const run = this.#runs.get(id);
    if (run === undefined) return undefined;
    // Paused by a person now: it no longer resumes by itself.
    this.#cpuResumes.cancel(id);
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
    // It decides what closes after the newest stored candle; the candles in between were its
    // pause, stored as such (the parity replay skips them, as the run did).
    const after = lastDecided(run);
    const at = Math.max(await storedUntilNow(this.#o, run.spec.feeds), after ?? -Infinity);
    // Paused by the kill switch: its working orders were cancelled then (the replay must know).
    const cancelled = run.status.pause?.code === 'kill_switch' ? { cancelled: true } : {};
    // A switch's flatten while it was paused (by the switch, or already by its owner) closed its
    // positions with the switch's own orders: booked as its exits.
    await bookFlatten(run, this.#o.orders);
    await this.#o.persist?.resumed?.(id, { ...(after === undefined ? {} : { after }), at, ...cancelled });
    // A pause disposed the run's sandbox: resuming opens a new one and warms it up on the stored
    // history up to `at`, as a restart does (its orders vanish), with the books it had.
    // Flipping the state alone left the run on a dead session, which paused it again at once.
    run.replacing = [];
    try {
      return await this.enable(run.spec, { persist: false, carry: run, resumeAfter: at });
    } catch (error) {
      for (const event of run.replacing.splice(0)) this.#orders.apply(run, event);
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

  /** Turns stop-entry of run `id` on or off (run-exit.ts); undefined when it is not here. */
  stopEntry(id: string, on: boolean): LiveRunStatus | undefined {
    const run = this.#runs.get(id);
    if (run === undefined) return undefined;
    if (on) run.status.stopEntry = true;
    else delete run.status.stopEntry;
    return run.status;
  }

  /**
   * Closes run `id`'s positions (`symbol`'s, or all) at market for `userId`, its working entries
   * cancelled first (run-force-exit.ts): undefined when the run is not here.
   */
  async forceExit(
    id: string,
    userId: string,
    symbol: string | undefined,
    waitMs: number,
  ): Promise<VenueOrder[] | undefined> {
    const run = this.#runs.get(id);
    return run && this.#exits.exit(run, userId, symbol, waitMs, String(this.#o.clock.now()));
  }

  /** Turns feeds with no candle for too long stale (the composition's beat). */
  checkDataHealth(): void {
    this.#health?.check();
  }

  list(): LiveRunStatus[] {
    return [...this.#runs.values()].map((r) => r.status);
  }

  /** Each run's checkpoint as of now (live-run.ts `checkpointOf`). */
  checkpoints(): LiveCheckpoint[] {
    return [...this.#runs.values()].flatMap((run) => checkpointOf(run) ?? []);
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

  #countRuns(): void {
    if (this.#metrics !== undefined) countRuns(this.#metrics, this.#runs.values());
  }

  /**
   * A stored run that could not start here (its code does not load, or kept failing): it is
   * paused in the store with the reason, and its owner is told — it is not retried for ever.
   */
  failedToStart(spec: LiveStrategySpec, error: unknown): void {
    announcePause(this.#o, spec, undefined, pauseOf(error, undefined, this.#o.clock.now()));
  }

  #pause(run: LiveRun, error: unknown, code?: string): void {
    if (run.status.state === 'paused') return;
    // Over its CPU budget across its window: it resumes by itself after a back-off.
    const forCpu =
      code === undefined && error instanceof TicklineError && error.code === 'STRATEGY_CPU_LIMIT';
    pauseRun(this.#pauses, run, error, code, forCpu ? this.#cpuResumes.paused(run.spec.id) : undefined);
  }

  /** Whether run `id`, paused for CPU, may resume by itself now (not under an engaged kill switch). */
  async #resumesByItself(id: string): Promise<boolean> {
    const run = this.#runs.get(id);
    if (run?.status.state !== 'paused' || run.status.pause?.code !== 'STRATEGY_CPU_LIMIT') return false;
    // Its process no longer holds it (the members changed meanwhile): it stays paused for its owner.
    if (this.#o.owns !== undefined && !this.#o.owns(id)) return false;
    return !isKillSwitchEngaged(await this.#o.risk.killSwitch(run.spec.portfolioId));
  }

  /**
   * Handles a batch of `market.candle.closed` envelopes (an eventlog consumer's handler), and the
   * `market.trade` ones a manual market order waits for (see market-prices.ts `marketSteps`).
   */
  async handle(events: readonly EventEnvelope[]): Promise<void> {
    const awaitsPrice = (symbol: string): boolean => this.#o.paper?.awaitsPrice(symbol) === true;
    for (const step of marketSteps(events, awaitsPrice))
      if (step.kind === 'trade') await fillOnTrade(this.#o, step.trade);
      else await this.#waves.wave(step.candles);
  }

  /** One closed candle: fills, marks, then every run on the feed. */
  onCandle(candle: FeedCandle): Promise<void> {
    return this.#waves.wave([candle]);
  }
}
