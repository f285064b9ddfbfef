/**
 * @module Where live runs execute: a few resident sandbox processes (`@tickline/sandbox`), never
 * the server's own threads. Each tenant (a run's owner) is placed on one process by rendezvous
 * hashing of its id over the process indices — the same answer after every restart, and a
 * tenant's runs share one isolate there (live-tenants.ts). A tenant whose code got a process
 * killed moves to a quarantine process of its own; after a few kills it is refused for a while.
 *
 * Per candle close the runner asks every run on the feed for its step in one turn; the steps bound
 * for one process go as one message (`StepPayload`: numbers only, each tenant's runs together) and
 * come back in parts as the process decides them (`StepPart`, every few milliseconds of work), the
 * rest with the answer: the first runs are booked while the process still steps the last (their
 * orders wait for the rest of the process's wave, one desk turn: trading's wave-gather.ts). A
 * step answers through a callback (`ask`), not a promise per run. Fills and finished orders booked
 * back into runs leave as one `notes` message per process per turn of the event loop. When a
 * process is lost every run it held is told (`onLost`) and reopened by the runner from its last
 * decided candle. A step message with many runs that killed its process names no culprit, so the
 * first steps of a reopened run (the candles up to the loss) go alone: if one of them kills the
 * next process, it is known, paused and its tenant struck.
 */
import { availableParallelism } from 'node:os';
import {
  type Logger,
  type Registry,
  type Service,
  isTicklineError,
  type ServiceHealth,
  ServiceStatus,
  TicklineError,
} from '@tickline/kernel';
import {
  createResidentProcess,
  DEFAULT_STRIKES,
  type ResidentLoss,
  StrikeBook,
  type StrikePolicy,
} from '@tickline/sandbox';
import type { LiveCandle } from '../live/live-engine.ts';
import { type LiveSession, type LiveSessionStep, type StepAnswer } from '../live/live-session.ts';
import type { LiveIsolateError, LiveReport } from './isolate-live.ts';
import type { OpenedRun, OpenRunPayload, StepPart, StepPayload } from './live-wire.ts';
import type { LiveNote } from './live-notes.ts';
import { stepColumns, stepRows, type StepColumns, type TenantGroup } from './step-rows.ts';
import { CALL_WALL_MS, type LiveOpenRequest, RemoteSession, type Slot } from './remote-session.ts';
import { StarvedCuts } from './starved-cuts.ts';
import { toldSetupFailure } from './engine-entries.ts';
import { placeTenant } from './tenant-placement.ts';

const ENTRY = new URL('./live-process-entry.ts', import.meta.url);

/** Codes users read for the kills they cause most; the rest keep SANDBOX_*. */
const CODES = { cpu: 'STRATEGY_CPU_LIMIT', memory: 'STRATEGY_MEMORY_LIMIT' } as const;
/** Refusals of a run's setup that count as strikes: it went over a limit, not a mistake in the code. */
const SETUP_STRIKE_CODES: ReadonlySet<string> = new Set(['STRATEGY_CPU_LIMIT', 'STRATEGY_MEMORY_LIMIT']);
/** A crash counts against a tenant or run only when it had another within this long. */
const CRASH_MEMORY_MS = 10 * 60_000;
const MAX_REMEMBERED_CRASHES = 10_000;
/**
 * V8's optimizing tiers in a live process: Maglev only for a loop hot within one call (on-stack
 * replacement), never for a function merely called often; TurboFan not at all. A process holds
 * hundreds of isolates whose functions run a few times a minute each. With V8's defaults each
 * isolate compiled the same engine functions with Maglev in the same minute (their calls count
 * alike), a wave of 150–300 ms in both processes, and the optimized code then ran slower than
 * baseline code, caches being shared by a thousand heaps (bench:live: sandbox CPU 117–137 → 106–113
 * ms a minute, the slowest wave 262–300 → 120–167 ms, 55 MB less per 1,000 runs). A strategy's own
 * hot loop still runs as Maglev code within its call (a 20,000-step loop: 23 µs a call, as with
 * the defaults; baseline code alone took 590).
 */
export const LIVE_V8_FLAGS: readonly string[] = Object.freeze([
  '--max-opt=2',
  '--invocation-count-for-maglev=1000000',
]);
/** Scheduling niceness of live sandbox processes (backtest and compile processes run at 10). */
const LIVE_NICE = 5;

export interface LiveProcessesOptions {
  /** Processes runs are spread over (a quarantine process comes on top when needed). @default os.availableParallelism() */
  processes?: number;
  /** Resident memory one process may hold above its idle size. @default 4096 */
  memoryMb?: number;
  /** Longest silence of a process that owes an answer. @default 30_000 */
  stallMs?: number;
  strikes?: Partial<StrikePolicy>;
  /**
   * More V8 flags of the processes, after `--no-node-snapshot` (which isolated-vm needs) and
   * {@link LIVE_V8_FLAGS}; a later flag wins. @default none
   */
  v8Flags?: readonly string[];
  logger?: Logger;
  metrics?: Registry;
  now?: () => number;
  /** The processes' main module (tests: one that wraps live-process-entry.ts). @default live-process-entry.ts */
  entry?: URL;
}

export type { LiveOpenRequest } from './remote-session.ts';

const toStep = (report: LiveReport & { ok: true }, cpuMs: number): LiveSessionStep => ({
  placed: report.placed as LiveSessionStep['placed'],
  cancelled: report.cancelled,
  logs: report.logs,
  equity: report.equity,
  cpuMs,
});

/** What a quiet step's answer shares (never written to). */
const NOTHING = Object.freeze([]) as unknown as never[];

export class LiveProcesses implements Service {
  readonly name = 'strategy-live-sandbox';
  readonly #options: LiveProcessesOptions;
  readonly #slots: Slot[] = [];
  #quarantine: Slot | undefined;
  readonly #quarantined = new Set<string>();
  /** When a tenant's or a run's call was last running at a crash. */
  readonly #crashes = new Map<string, number>();
  readonly #strikes: StrikeBook;
  /** Runs whose last step was cut starved: a second cut in a row pauses (starved-cuts.ts). */
  readonly #starved = new StarvedCuts();
  readonly #now: () => number;
  #stopped = false;
  /** Sessions opened so far: each one's number in its key (RemoteSession.key). */
  #sessions = 0;
  /** Each tenant's group in step messages, shared by its sessions (step-rows.ts). */
  readonly #groups = new Map<string, TenantGroup>();

  constructor(options: LiveProcessesOptions = {}) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#strikes = new StrikeBook({ ...DEFAULT_STRIKES, ...options.strikes }, this.#now);
    const count = Math.max(1, options.processes ?? availableParallelism());
    for (let i = 0; i < count; i++) this.#slots.push(this.#slot(i, `live-${i}`));
  }

  #slot(index: number, label: string): Slot {
    const process = createResidentProcess({
      name: 'live',
      entry: this.#options.entry ?? ENTRY,
      execArgv: ['--no-node-snapshot', ...LIVE_V8_FLAGS, ...(this.#options.v8Flags ?? [])],
      memoryMb: this.#options.memoryMb ?? 4_096,
      // Below the server, above backtests: a live minute's decisions beat research for a core.
      nice: LIVE_NICE,
      stallMs: this.#options.stallMs ?? 30_000,
      codes: CODES,
      ...(this.#options.logger ? { logger: this.#options.logger.child({ process: label }) } : {}),
      ...(this.#options.metrics ? { metrics: this.#options.metrics } : {}),
    });
    const slot: Slot = {
      index,
      process,
      sessions: new Set(),
      queue: stepColumns<RemoteSession>(),
      flushing: false,
      notes: [],
      notesGeneration: 0,
      lostAt: 0,
    };
    process.onLoss((loss) => this.#onLoss(slot, loss, label));
    return slot;
  }

  #onLoss(slot: Slot, loss: ResidentLoss, label: string): void {
    slot.lostAt = this.#now();
    const tenant = loss.culprit?.tenant;
    this.#options.logger?.warn(
      { process: label, reason: loss.reason, method: loss.culprit?.method, tenant: tenant ?? null },
      'live sandbox process lost; its runs reopen in a fresh one',
    );
    // A limit the supervisor holds (CPU, memory, a hang) ended the call that was running: its
    // tenant did it. A crash may come from outside (an operator's kill -9, the OOM killer), so a
    // tenant is blamed for one only when its call was running at a crash before, recently.
    if (tenant !== undefined && (loss.reason !== 'crashed' || this.#crashedBefore(tenant))) {
      // Its code took a shared process down: it gets one of its own from now on.
      this.#quarantined.add(tenant);
      this.#strike(tenant);
    }
    for (const session of [...slot.sessions]) if (session.generation === loss.generation) session.lose();
  }

  #strike(tenant: string): void {
    if (this.#strikes.strike(tenant))
      this.#options.logger?.warn({ tenant }, 'tenant suspended from live sandbox processes');
  }

  /** Records a crash under `key` (a tenant or a run); true when it had one within CRASH_MEMORY_MS. */
  #crashedBefore(key: string): boolean {
    const now = this.#now();
    const before = this.#crashes.get(key);
    this.#crashes.delete(key);
    this.#crashes.set(key, now);
    if (this.#crashes.size > MAX_REMEMBERED_CRASHES) this.#crashes.delete(this.#crashes.keys().next().value!);
    return before !== undefined && now - before < CRASH_MEMORY_MS;
  }

  async start(): Promise<void> {}

  /** Where `tenant`'s runs live. */
  #slotOf(tenant: string): Slot {
    if (!this.#quarantined.has(tenant)) return this.#slots[placeTenant(tenant, this.#slots.length)]!;
    return (this.#quarantine ??= this.#slot(this.#slots.length, 'live-quarantine'));
  }

  /** Opens a run in its tenant's process. @throws TicklineError STRATEGY_*, SANDBOX_SUSPENDED… */
  async open(request: LiveOpenRequest): Promise<LiveSession> {
    if (this.#stopped) throw new TicklineError('SANDBOX_UNAVAILABLE', 'the live sandbox is stopped');
    const left = this.#strikes.suspendedFor(request.tenant);
    if (left > 0) {
      const retryAfterSeconds = Math.ceil(left / 1000);
      throw new TicklineError(
        'SANDBOX_SUSPENDED',
        `code of this account got sandbox processes killed repeatedly; try again in ${retryAfterSeconds} s`,
        { details: { retryAfterSeconds } },
      );
    }
    const slot = this.#slotOf(request.tenant);
    await slot.process.ready();
    const generation = slot.process.generation;
    const key = `${request.runId}\u0000${++this.#sessions}`;
    const payload: OpenRunPayload = {
      runId: key,
      tenant: request.tenant,
      tenantMemoryMb: request.tenantMemoryMb,
      code: request.code,
      feeds: request.feeds,
      settings: request.settings,
      params: request.params,
      capacity: request.capacity,
      limits: request.limits,
      ...(request.cpuProbation === true ? { cpuProbation: true } : {}),
    };
    const wallScale = this.#starved.wallScale(request.runId);
    if (wallScale !== 1) payload.wallScale = wallScale;
    this.sendNotes(slot);
    let opened: OpenedRun;
    try {
      opened = await slot.process.call<OpenedRun>('open', payload, {
        wallMs: CALL_WALL_MS,
        generation,
        tenant: request.tenant,
      });
    } catch (error) {
      // A load or an `init` stopped at its limit held its process (and every run there) up to the
      // setup wall: a strike, as a kill is. Repeated enables of a spinning `init` once froze a
      // process's runs with no strike at all; three now suspend the account.
      if (isTicklineError(error) && SETUP_STRIKE_CODES.has(error.code)) this.#strike(request.tenant);
      throw toldSetupFailure(error, this.#options.logger);
    }
    let group = this.#groups.get(request.tenant);
    if (group === undefined) this.#groups.set(request.tenant, (group = { stamp: 0, first: 0, count: 0 }));
    const session = new RemoteSession(this, slot, request, key, generation, opened, group);
    slot.sessions.add(session);
    return session;
  }

  /** Queues a step; the steps queued in this turn leave together, one message per process. */
  enqueue(session: RemoteSession, f: number, candle: LiveCandle, answer: StepAnswer): void {
    const slot = session.slot;
    const q = slot.queue;
    q.sessions.push(session);
    q.fs.push(f);
    q.candles.push(candle);
    q.answers.push(answer);
    if (slot.flushing) return;
    slot.flushing = true;
    queueMicrotask(() => {
      slot.flushing = false;
      this.#flush(slot);
    });
  }

  /**
   * Queues a notification for `generation`'s process (a fill, a finished order, a closed run): the
   * notes of a turn leave as one message, always ahead of the next call to that process, so the
   * process applies them in the order they were made and before the candle that follows.
   */
  note(slot: Slot, generation: number, note: LiveNote): void {
    if (slot.notes.length > 0 && slot.notesGeneration !== generation) this.sendNotes(slot);
    slot.notesGeneration = generation;
    if (slot.notes.push(note) === 1) queueMicrotask(() => this.sendNotes(slot));
  }

  /** Sends the slot's queued notes now (a call to the process is about to leave). */
  sendNotes(slot: Slot): void {
    if (slot.notes.length === 0) return;
    const notes = slot.notes;
    slot.notes = [];
    slot.process.notify('notes', notes, slot.notesGeneration);
  }

  #flush(slot: Slot): void {
    const q = slot.queue;
    slot.queue = stepColumns<RemoteSession>();
    this.sendNotes(slot);
    const n = q.sessions.length;
    if (n === 0) return;
    // The usual turn: every step of one process generation, none of a reopened run's first ones.
    const generation = q.sessions[0]!.generation;
    let i = 0;
    while (
      i < n &&
      q.sessions[i]!.generation === generation &&
      q.candles[i]!.closeTime > q.sessions[i]!.soloUntil
    )
      i++;
    if (i === n) return this.#send(slot, q, undefined);
    const batch: number[] = [];
    for (let k = 0; k < n; k++)
      if (q.candles[k]!.closeTime <= q.sessions[k]!.soloUntil) this.#send(slot, q, [k]);
      else batch.push(k);
    // One message per process generation (a batch never mixes runs of two processes' lives).
    const byGeneration = new Map<number, number[]>();
    for (const k of batch) {
      const list = byGeneration.get(q.sessions[k]!.generation);
      if (list === undefined) byGeneration.set(q.sessions[k]!.generation, [k]);
      else list.push(k);
    }
    for (const list of byGeneration.values()) this.#send(slot, q, list);
  }

  /** Sends entries `picked` of `q` (all, when undefined) as one step message, and takes its answer's parts. */
  #send(slot: Slot, q: StepColumns<RemoteSession>, picked: readonly number[] | undefined): void {
    const { rows, candles, order: entries } = stepRows(q, picked);
    const payload: StepPayload = { rows, candles };
    const first = q.sessions[entries[0]!]!;
    const generation = first.generation;
    const solo = entries.length === 1 ? { tenant: first.tenant } : {};
    /** Entries before it were answered (the process decides them in order). */
    let settled = 0;
    const take = (part: StepPart) => {
      const reports = part.reports.length === 0 ? undefined : new Map(part.reports);
      for (let i = Math.max(part.from, settled); i < part.to; i++) {
        const k = entries[i]!;
        const session = q.sessions[k]!;
        const answer = q.answers[k]!;
        const cpuMs = part.cpuMs[i - part.from]!;
        const report = reports?.get(i);
        if (report === undefined || report.ok) this.#starved.answered(session.runId);
        if (report === undefined)
          answer(undefined, {
            placed: NOTHING,
            cancelled: NOTHING,
            logs: NOTHING,
            equity: session.equity,
            cpuMs,
          });
        else if (report.ok) {
          session.equity = report.equity;
          answer(undefined, toStep(report, cpuMs));
        } else {
          const error = this.#starved.judge(session.runId, report.error);
          if (error.details?.backstop !== undefined) this.#backstopped(session, error);
          if (error.code === 'SANDBOX_PROCESS_LOST') session.lose();
          answer(new TicklineError(error.code, error.message, { details: error.details ?? {} }), undefined);
        }
      }
      settled = Math.max(settled, part.to);
    };
    // Parts of the answer come while the process steps the rest: their runs go on at once.
    const onProgress = (...args: unknown[]) => take(args[0] as StepPart);
    slot.process
      .call<StepPart>('step', payload, { wallMs: CALL_WALL_MS, generation, onProgress, ...solo })
      .then(take, (error: unknown) => {
        // A message of many runs that took its process down names none of them: all reopen. So
        // does a first crash under one run's step (the crash may have come from outside).
        const firstCrash =
          error instanceof TicklineError &&
          error.code === 'SANDBOX_CRASHED' &&
          !this.#crashedBefore(`run:${first.runId}`);
        const lost =
          (entries.length > 1 || firstCrash) && error instanceof TicklineError
            ? new TicklineError(
                'SANDBOX_PROCESS_LOST',
                'the sandbox process running this step was replaced',
                {
                  details: { reason: error.code },
                },
              )
            : error;
        // Those decided before the loss keep their answer; the rest reopen (or pause).
        for (let i = settled; i < entries.length; i++) q.answers[entries[i]!]!(lost, undefined);
        settled = entries.length;
      });
  }

  /**
   * A step the wall backstop cut (tenant-step.ts backstopVerdict), logged at warn either way with
   * its figures: starved (the machine's fault: the run reopens, no strike) or run away (paused).
   */
  #backstopped(session: RemoteSession, error: LiveIsolateError): void {
    const { backstop, wallMs, usedMs, budgetMs, cpuMs } = error.details as Record<string, number | string>;
    this.#options.logger?.warn(
      {
        run: session.runId,
        tenant: session.tenant,
        code: error.code,
        wallMs,
        cpuMs: usedMs,
        budgetMs: budgetMs ?? cpuMs,
      },
      backstop === 'starved'
        ? 'live step cut by its wall backstop with its CPU under budget (machine busy): reopening with a longer backstop, no strike'
        : 'live step cut by its wall backstop, its CPU over budget or starved too many times in a row: paused',
    );
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(
      [...this.#slots, ...(this.#quarantine ? [this.#quarantine] : [])].map((s) => s.process.close()),
    );
  }

  /** Runs held and the processes' state, for /readyz and operators. */
  stats() {
    return [...this.#slots, ...(this.#quarantine ? [this.#quarantine] : [])].map((slot) => ({
      index: slot.index,
      quarantine: slot === this.#quarantine,
      runs: slot.sessions.size,
      ...slot.process.stats(),
    }));
  }

  health(): ServiceHealth {
    return {
      status: ServiceStatus.Up,
      info: { processes: this.stats(), quarantined: this.#quarantined.size },
    };
  }
}
