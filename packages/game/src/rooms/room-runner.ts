/**
 * @module A rules room on the engine's fixed tick: steps a {@link RulesRoom} on its ticker's
 * schedule (room-ticker.ts: one timer for every room of a tick rate), hands the tick's events to
 * the publisher without waiting, then calls the tick listeners (the session layer sends acks,
 * rejections and frames from there).
 */
import { silentLogger, systemClock, type Clock, type Logger } from '@tickline/kernel';
import type { Publisher } from '@tickline/eventlog';
import type { Scheduler } from '../loop/scheduler.ts';
import type { AnyGameRules, RoomInput, RoomStepResult } from '../rules/index.ts';
import { RulesRoom } from '../rules/index.ts';
import { RoomJournal } from './room-journal.ts';
import { RoomTicker, type TickedRoom } from './room-ticker.ts';

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
  /** What steps the room, shared with the other rooms of its rate. @default a ticker of its own */
  ticker?: RoomTicker;
  /** The timers of a ticker of its own. @default real timers */
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
  readonly #ticker: RoomTicker;
  /** What the ticker steps. */
  readonly #ticked: TickedRoom;
  readonly #logger: Logger;
  readonly #listeners: RoomTickListener[] = [];
  /** What a replay needs, on the log (inputs, tick times, the session's views). */
  readonly journal: RoomJournal;
  readonly #leased: () => boolean;
  #running = false;
  /** Seats promised to players whose join is queued or on its way (matchmaking counts them). */
  reserved = 0;
  /** Monotonic time the room became empty; undefined while it has players. */
  emptySince: number | undefined;

  constructor(options: RoomRunnerOptions) {
    this.roomId = options.roomId;
    this.#ticked = {
      roomId: options.roomId,
      // A process that stalled past its lease must not go on with a room a peer may have taken.
      tick: (ticks) => void (this.#running && this.#leased() && this.step(ticks)),
    };
    this.code = options.code;
    this.createdBy = options.createdBy;
    this.#events = options.events;
    this.#clock = options.clock ?? systemClock;
    this.#logger = (options.logger ?? silentLogger).child({ game: options.game.name, roomId: options.roomId });
    this.periodMs = 1000 / options.tickRateHz;
    this.#ticker =
      options.ticker ??
      new RoomTicker({ periodMs: this.periodMs, clock: this.#clock, scheduler: options.scheduler, logger: this.#logger });
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
    this.#ticker.add(this.#ticked);
  }

  stop(): void {
    this.#running = false;
    this.#ticker.remove(this.#ticked);
    this.journal.flush();
  }

  /** One step now, over `ticks` ticks when its ticker ran late (the timer calls it; tests may too). */
  step(ticks = 1): RoomStepResult {
    const result = this.room.step(ticks);
    this.journal.stepped(result.tick, this.room.nowMs, ticks);
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

}
