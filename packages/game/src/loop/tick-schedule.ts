/**
 * @module The fixed tick's absolute schedule, shared by the zone loop (zone-runner.ts) and the
 * rules rooms' ticker (rooms/room-ticker.ts): period n ends at `epoch + n × period`, so timer jitter
 * never accumulates into drift, and a late timer finds several periods elapsed — its owner steps
 * once over all of them, so its tick count stays on wall time. Limits counted in ticks (rate
 * windows, game timers) then judge the player's behaviour, never how loaded the machine is.
 */
import type { Clock } from '@tickline/kernel';
import type { Scheduler } from './scheduler.ts';

export interface TickScheduleOptions {
  periodMs: number;
  clock: Clock;
  scheduler: Scheduler;
  /** Called when the armed timer fires (the schedule is then disarmed: re-arm from here). */
  onTimer: () => void;
}

export class TickSchedule {
  readonly periodMs: number;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #onTimer: () => void;
  #epochMs = 0;
  #cancel: (() => void) | undefined;

  constructor(options: TickScheduleOptions) {
    this.periodMs = options.periodMs;
    this.#clock = options.clock;
    this.#scheduler = options.scheduler;
    this.#onTimer = options.onTimer;
  }

  /** Whether a timer is pending. */
  get armed(): boolean {
    return this.#cancel !== undefined;
  }

  /** Counts periods from now on (period 1 ends one period from now). */
  reset(): void {
    this.#epochMs = this.#clock.monotonic();
  }

  /** Whole periods elapsed since the last {@link reset}. */
  elapsed(): number {
    return Math.floor((this.#clock.monotonic() - this.#epochMs) / this.periodMs);
  }

  /** Arms the timer for the end of period `index` (at once if that is past), replacing a pending one. */
  armFor(index: number): void {
    this.#cancel?.();
    const delay = this.#epochMs + index * this.periodMs - this.#clock.monotonic();
    this.#cancel = this.#scheduler.schedule(this.#fire, delay);
  }

  /** Arms the timer for the end of the period under way. */
  armNext(): void {
    this.armFor(this.elapsed() + 1);
  }

  /** Cancels the pending timer, if any. */
  disarm(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  readonly #fire = (): void => {
    this.#cancel = undefined;
    this.#onTimer();
  };
}
