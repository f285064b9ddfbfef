/**
 * @module A rules room on the engine's fixed tick: steps a {@link RulesRoom} on an absolute
 * schedule (timer jitter never accumulates; a late loop steps once and goes on from now), hands the
 * tick's events to the publisher without waiting, then calls the tick listeners (the session layer
 * sends acks, rejections and frames from there). Rooms tick only while they have players or inputs.
 */
import { silentLogger, systemClock, type Clock, type Logger } from '@tickline/kernel';
import type { Publisher } from '@tickline/eventlog';
import { systemScheduler, type Scheduler } from '../loop/scheduler.ts';
import type { AnyGameRules, RoomInput, RoomStepResult } from '../rules/index.ts';
import { RulesRoom } from '../rules/index.ts';
import { RoomJournal } from './room-journal.ts';

/** Called after each step. Must not block. */
export type RoomTickListener = (result: RoomStepResult) => void;

export interface RoomRunnerOptions {
  game: AnyGameRules;
  roomId: string;
  tickRateHz: number;
  /** Where the room's events go (fire-and-forget). */
  events: Pick<Publisher, 'publish'>;
  /** A private room's join code; absent: public (listed, matched). */
  code?: string | undefined;
  /** The user who asked for the room, if one did. */
  createdBy?: string | undefined;
  seed?: number;
  /**
   * A room recovered on this process (failover, hand-off; see room-recovery.ts): the runner goes on
   * from its tick, its journal continuing the one on the log (no second opening).
   */
  restored?: RulesRoom | undefined;
  /** False while this process may not run the room (its directory lease lapsed): no step. @default always */
  leased?: () => boolean;
  clock?: Clock;
  scheduler?: Scheduler;
  logger?: Logger;
}

export class RoomRunner {
  readonly roomId: string;
  readonly room: RulesRoom;
  readonly code: string | undefined;
  readonly createdBy: string | undefined;
  readonly createdAt: number;
  readonly periodMs: number;
  readonly #events: Pick<Publisher, 'publish'>;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #logger: Logger;
  readonly #listeners: RoomTickListener[] = [];
  /** What a replay needs, on the log (inputs, tick times, the session's views). */
  readonly journal: RoomJournal;
  readonly #leased: () => boolean;
  #cancel: (() => void) | undefined;
  #running = false;
  #epochMs = 0;
  #steps = 0;
  /** Seats promised to players whose join is queued or on its way (matchmaking counts them). */
  reserved = 0;
  /** Monotonic time the room became empty; undefined while it has players. */
  emptySince: number | undefined;

  constructor(options: RoomRunnerOptions) {
    this.roomId = options.roomId;
    this.code = options.code;
    this.createdBy = options.createdBy;
    this.#events = options.events;
    this.#clock = options.clock ?? systemClock;
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.#logger = (options.logger ?? silentLogger).child({ game: options.game.name, roomId: options.roomId });
    this.periodMs = 1000 / options.tickRateHz;
    this.createdAt = this.#clock.now();
    this.emptySince = this.#clock.monotonic();
    this.#leased = options.leased ?? (() => true);
    if (options.restored) {
      this.room = options.restored;
      this.journal = new RoomJournal({
        roomId: this.roomId,
        events: this.#events,
        clock: this.#clock,
        fromTick: this.room.tick + 1,
      });
      return;
    }
    this.room = new RulesRoom({
      game: options.game,
      roomId: options.roomId,
      clock: this.#clock,
      logger: this.#logger,
      tickRateHz: options.tickRateHz,
      ...(options.seed !== undefined && { seed: options.seed }),
    });
    this.journal = new RoomJournal({ roomId: this.roomId, events: this.#events, clock: this.#clock });
    this.journal.opened({
      roomId: this.roomId,
      game: options.game.name,
      gameVersion: options.game.version,
      seed: options.seed ?? 1,
      nowMs: this.room.nowMs,
      tickRateHz: options.tickRateHz,
    });
  }

  get game(): AnyGameRules {
    return this.room.game;
  }
  get tick(): number {
    return this.room.tick;
  }
  get players(): readonly string[] {
    return this.room.players;
  }
  /** Seats left for new players, counting those on their way. */
  get freeSeats(): number {
    return this.room.closed ? 0 : this.game.players.max - this.room.players.length - this.reserved;
  }
  get running(): boolean {
    return this.#running;
  }

  /** Queues an input for the next step; `raw`: a command's bytes as the client sent them (the journal's). */
  submit(input: RoomInput, raw?: Uint8Array): void {
    this.journal.input(this.room.tick + 1, input, raw);
    this.room.enqueue(input);
  }

  /** The session sent a player the whole state (its welcome or resume). */
  fullFrame(playerId: string): Uint8Array {
    this.journal.link(this.room.tick + 1, 'view', playerId);
    return this.room.fullFrame(playerId);
  }

  onTick(listener: RoomTickListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at >= 0) this.#listeners.splice(at, 1);
    };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#epochMs = this.#clock.monotonic();
    this.#steps = 0;
    this.#scheduleNext();
  }

  stop(): void {
    this.#running = false;
    this.#cancel?.();
    this.#cancel = undefined;
    this.journal.flush();
  }

  /** One step now (the timer calls it; tests may too). */
  step(): RoomStepResult {
    const result = this.room.step();
    this.journal.stepped(result.tick, this.room.nowMs);
    for (const listener of this.#listeners) {
      try {
        listener(result);
      } catch (error) {
        // A broken listener must not stop the room: the tick already happened.
        this.#logger.error({ err: error, tick: result.tick }, 'room tick listener failed');
      }
    }
    for (const event of result.events) this.#events.publish(event);
    if (this.room.players.length > 0 || this.reserved > 0) this.emptySince = undefined;
    else this.emptySince ??= this.#clock.monotonic();
    return result;
  }

  #scheduleNext(): void {
    if (!this.#running) return;
    const now = this.#clock.monotonic();
    // Behind by more than a period: skip ahead rather than burst (a room's tick is not wall-aligned).
    if (this.#epochMs + (this.#steps + 1) * this.periodMs < now - this.periodMs) {
      this.#epochMs = now;
      this.#steps = 0;
    }
    const delay = this.#epochMs + (this.#steps + 1) * this.periodMs - now;
    this.#cancel = this.#scheduler.schedule(this.#onTimer, delay);
  }

  readonly #onTimer = (): void => {
    this.#cancel = undefined;
    this.#steps++;
    try {
      // A process that stalled past its lease must not go on with a room a peer may have taken.
      if (this.#leased()) this.step();
    } finally {
      this.#scheduleNext();
    }
  };
}
