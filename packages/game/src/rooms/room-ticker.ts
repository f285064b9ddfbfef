/**
 * @module One timer for every room of a tick rate. A timer per room costs a timer callback, its
 * re-arming and a cancellation closure per room and tick, whether or not the room has anything to
 * do; a turn-based room has nothing to do between commands, so that timer was most of its cost.
 * The ticker steps its rooms in the order they started, on the zone loop's absolute schedule
 * (loop/tick-schedule.ts: timer jitter never accumulates), and only while it has rooms. A late
 * timer steps each room ONCE over every period that elapsed, its tick counter advanced by all of
 * them, as the zone loop does: a room's tick stays on wall time, so rate windows and game timers
 * counted in ticks judge the players, not the machine's load (issue 51: skipping ahead had let the
 * tick fall behind wall time, and honest moves were refused GAME_RATE_LIMITED). One step rather
 * than one per missed tick: a loaded machine is not asked for a burst of extra steps.
 */
import { silentLogger, systemClock, type Clock, type Logger } from '@tickline/kernel';
import { systemScheduler, type Scheduler } from '../loop/scheduler.ts';
import { TickSchedule } from '../loop/tick-schedule.ts';

/** A room the ticker steps: `tick` runs one step over `ticks` ticks (the runner checks its lease). */
export interface TickedRoom {
  readonly roomId: string;
  tick(ticks: number): void;
}

export interface RoomTickerOptions {
  periodMs: number;
  clock?: Clock;
  scheduler?: Scheduler;
  logger?: Logger;
}

export class RoomTicker {
  readonly periodMs: number;
  readonly #logger: Logger;
  readonly #rooms = new Set<TickedRoom>();
  readonly #schedule: TickSchedule;
  /** Periods of the schedule handed to the rooms so far. */
  #done = 0;

  constructor(options: RoomTickerOptions) {
    this.periodMs = options.periodMs;
    this.#logger = options.logger ?? silentLogger;
    this.#schedule = new TickSchedule({
      periodMs: options.periodMs,
      clock: options.clock ?? systemClock,
      scheduler: options.scheduler ?? systemScheduler,
      onTimer: this.#onTimer,
    });
  }

  /** Rooms stepped by this ticker. */
  get size(): number {
    return this.#rooms.size;
  }

  /** Steps `room` on every tick from the next one on. */
  add(room: TickedRoom): void {
    this.#rooms.add(room);
    if (this.#schedule.armed) return;
    this.#schedule.reset();
    this.#done = 0;
    this.#schedule.armFor(1);
  }

  /** Stops stepping `room` (its step under way, if any, finishes); the timer stops with the last room. */
  remove(room: TickedRoom): void {
    this.#rooms.delete(room);
    if (this.#rooms.size === 0) this.#schedule.disarm();
  }

  readonly #onTimer = (): void => {
    // The timer fired: at least one period is due even if the clock reads a hair early.
    const ticks = Math.max(1, this.#schedule.elapsed() - this.#done);
    this.#done += ticks;
    for (const room of this.#rooms) {
      try {
        room.tick(ticks);
      } catch (error) {
        // One room's failure must not stop the others' ticks (each was its own timer before).
        this.#logger.error({ err: error, roomId: room.roomId }, 'room step failed');
      }
    }
    if (this.#rooms.size > 0 && !this.#schedule.armed) this.#schedule.armFor(this.#done + 1);
  };
}
