/**
 * @module A live run open in a sandbox process, as the runner drives it (`RemoteSession`), and the
 * process slot it lives on. Apart from live-processes.ts, which owns the slots and sends what a
 * session queues: a session only asks its owner to enqueue a step or a note.
 */
import { TicklineError } from '@tickline/kernel';
import type { ResidentProcess } from '@tickline/sandbox';
import type { LiveCandle, LiveFeed } from '../live/live-engine.ts';
import {
  feedIndex,
  type IndexedCandle,
  type LiveSession,
  type LiveSessionStep,
  type LiveWarmup,
  type StepAnswer,
} from '../live/live-session.ts';
import type { RecordedFill, RestoredBooks } from './isolate-live.ts';
import { WARM_ROW } from './isolate-live.ts';
import type { LiveNote } from './live-notes.ts';
import type { OpenedRun, OpenRunPayload, OpenRunResult } from './live-wire.ts';
import type { StepColumns, TenantGroup } from './step-rows.ts';

/** Wall deadline of one message (the silence check ends a hang far sooner). */
export const CALL_WALL_MS = 120_000;

export interface Slot {
  index: number;
  process: ResidentProcess;
  sessions: Set<RemoteSession>;
  /** Steps asked this turn, not sent yet (step-rows.ts: columns, not an object per step). */
  queue: StepColumns<RemoteSession>;
  flushing: boolean;
  /** Notifications not sent yet (one `notes` message per turn), and the generation they are for. */
  notes: LiveNote[];
  notesGeneration: number;
  /** When the process was last lost: steps of reopened runs up to then go alone. */
  lostAt: number;
}

/** What opening a run in a sandbox process takes: the open message itself. */
export type LiveOpenRequest = OpenRunPayload;

/** What a session asks of the processes that own its slot. */
export interface SessionOwner {
  enqueue(session: RemoteSession, f: number, candle: LiveCandle, answer: StepAnswer): void;
  sendNotes(slot: Slot): void;
  note(slot: Slot, generation: number, note: LiveNote): void;
}

/** A run open in a sandbox process, as the runner drives it. */
export class RemoteSession implements LiveSession {
  readonly runId: string;
  /** What its process knows it by: run id and session number (two may be open; docs/sandbox.md). */
  readonly key: string;
  readonly tenant: string;
  /** Its tenant's group in a step message (shared by the tenant's sessions; step-rows.ts). */
  readonly group: TenantGroup;
  readonly generation: number;
  readonly slot: Slot;
  /** The run's handle in its process (what a step message names it by). */
  readonly handle: number;
  /** The run's equity after its last step that said more than "nothing changed". */
  equity: number;
  /** Candles closing at or before this go alone (see the module comment). */
  readonly soloUntil: number;
  #feeds: readonly LiveFeed[];
  #owner: SessionOwner;
  #lost = false;
  #disposed = false;
  #listeners: Array<() => void> = [];

  constructor(
    owner: SessionOwner,
    slot: Slot,
    request: LiveOpenRequest,
    key: string,
    generation: number,
    opened: OpenedRun,
    group: TenantGroup,
  ) {
    this.#owner = owner;
    this.slot = slot;
    this.runId = request.runId;
    this.key = key;
    this.tenant = request.tenant;
    this.group = group;
    this.generation = generation;
    this.handle = opened.handle;
    this.equity = opened.equity;
    this.soloUntil = slot.lostAt;
    this.#feeds = request.feeds;
  }

  /** Its process's slot: the steps of a candle it holds are answered in one message's parts. */
  get answerSource(): object {
    return this.slot;
  }

  feedOf(symbol: string, interval: string): number {
    // Most runs have one feed: asked per candle close for thousands of runs, answered directly.
    const only = this.#feeds.length === 1 ? this.#feeds[0]! : undefined;
    if (only !== undefined) return only.symbol === symbol && only.interval === interval ? 0 : -1;
    return feedIndex(this.#feeds, symbol, interval);
  }

  advance(f: number, candle: LiveCandle): Promise<LiveSessionStep> {
    return new Promise((resolve, reject) =>
      this.ask(f, candle, (error, step) => (step === undefined ? reject(error) : resolve(step))),
    );
  }

  ask(f: number, candle: LiveCandle, answer: StepAnswer): void {
    if (this.#lost || this.#disposed) {
      const error = new TicklineError('SANDBOX_PROCESS_LOST', 'the run is not open in a sandbox process');
      queueMicrotask(() => answer(error, undefined));
      return;
    }
    this.#owner.enqueue(this, f, candle, answer);
  }

  async warmup(candles: readonly IndexedCandle[]): Promise<LiveWarmup> {
    const rows = new Float64Array(candles.length * WARM_ROW);
    candles.forEach((c, r) => {
      rows.set([c.k, c.openTime, c.closeTime, c.open, c.high, c.low, c.close, c.volume], r * WARM_ROW);
    });
    this.#owner.sendNotes(this.slot);
    const done = await this.slot.process.call<OpenRunResult>(
      'warm',
      { runId: this.key, rows },
      { wallMs: CALL_WALL_MS, generation: this.generation, tenant: this.tenant },
    );
    this.equity = done.equity;
    return { equity: done.equity, cpuMs: done.cpuMs, logs: done.logs };
  }

  async restore(books: RestoredBooks): Promise<void> {
    this.#owner.sendNotes(this.slot);
    await this.slot.process.call(
      'restore',
      { runId: this.key, books },
      { wallMs: CALL_WALL_MS, generation: this.generation, tenant: this.tenant },
    );
  }

  applyFill(...fill: RecordedFill): void {
    this.#owner.note(this.slot, this.generation, ['fill', this.key, fill]);
  }

  orderDone(orderId: number): void {
    this.#owner.note(this.slot, this.generation, ['done', this.key, orderId]);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.slot.sessions.delete(this);
    this.#owner.note(this.slot, this.generation, ['close', this.key]);
  }

  onLost(listener: () => void): void {
    if (this.#lost) queueMicrotask(listener);
    else this.#listeners.push(listener);
  }

  /** The process holding the run is gone. */
  lose(): void {
    if (this.#lost) return;
    this.#lost = true;
    this.slot.sessions.delete(this);
    for (const listener of this.#listeners.splice(0)) queueMicrotask(listener);
  }
}
