/**
 * @module One timer for every room of a tick rate. A timer per room costs a timer callback, its
 * re-arming and a cancellation closure per room and tick, whether or not the room has anything to
 * do; a turn-based room has nothing to do between commands, so that timer was most of its cost.
 * The ticker steps its rooms in the order they started, on an absolute schedule (timer jitter
 * never accumulates; a late loop steps once and goes on from now), and only while it has rooms.
 */
import { silentLogger, systemClock, type Clock, type Logger } from '@tickline/kernel';
import { systemScheduler, type Scheduler } from '../loop/scheduler.ts';

/** A room the ticker steps: `tick` runs one step (the runner checks its lease). */
export interface TickedRoom {
  readonly roomId: string;
  tick(): void;
}

export interface RoomTickerOptions {
  periodMs: number;
  clock?: Clock;
  scheduler?: Scheduler;
  logger?: Logger;
}

export class RoomTicker {
  readonly periodMs: number;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #logger: Logger;
  readonly #rooms = new Set<TickedRoom>();
  #cancel: (() => void) | undefined;
  #epochMs = 0;
  #steps = 0;

  constructor(options: RoomTickerOptions) {
    this.periodMs = options.periodMs;
    this.#clock = options.clock ?? systemClock;
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Rooms stepped by this ticker. */
  get size(): number {
    return this.#rooms.size;
  }

  /** Steps `room` on every tick from the next one on. */
  add(room: TickedRoom): void {
    this.#rooms.add(room);
    if (this.#cancel !== undefined) return;
    this.#epochMs = this.#clock.monotonic();
    this.#steps = 0;
    this.#scheduleNext();
  }

  /** Stops stepping `room` (its step under way, if any, finishes); the timer stops with the last room. */
  remove(room: TickedRoom): void {
    this.#rooms.delete(room);
    if (this.#rooms.size > 0) return;
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #scheduleNext(): void {
    const now = this.#clock.monotonic();
    // Behind by more than a period: skip ahead rather than burst.
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
    for (const room of this.#rooms) {
      try {
        room.tick();
      } catch (error) {
        // One room's failure must not stop the others' ticks (each was its own timer before).
        this.#logger.error({ err: error, roomId: room.roomId }, 'room step failed');
      }
    }
    if (this.#rooms.size > 0 && this.#cancel === undefined) this.#scheduleNext();
  };
}
