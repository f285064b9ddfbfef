/**
 * @module The client's estimate of the server tick. Every message stamped with a tick says the
 * server had reached at least that tick when it was sent; the estimate runs forward on the local
 * clock from the freshest such bound. Moves are stamped from it: the zone judges speed and rate
 * by these stamps, so they must be current, never decrease, and not run far ahead.
 */

/** How far ahead of the last tick heard the estimate may run before it is pulled back. @default 3 */
export const DEFAULT_MAX_LEAD_TICKS = 3;

/** Fractional server tick estimate driven by a local millisecond clock. */
export class TickClock {
  readonly tickMs: number;
  readonly #maxLeadTicks: number;
  #baseTick = 0;
  #baseAtMs = 0;
  #lastStamp = 0;

  /** @param maxLeadTicks @default DEFAULT_MAX_LEAD_TICKS */
  constructor(tickRateHz: number, maxLeadTicks = DEFAULT_MAX_LEAD_TICKS) {
    this.tickMs = 1000 / tickRateHz;
    this.#maxLeadTicks = maxLeadTicks;
  }

  /** Starts from a known tick (the welcome). Stamps still never go below the last one. */
  reset(tick: number, nowMs: number): void {
    this.#baseTick = tick;
    this.#baseAtMs = nowMs;
  }

  /** The estimated server tick now (fractional). */
  at(nowMs: number): number {
    return this.#baseTick + (nowMs - this.#baseAtMs) / this.tickMs;
  }

  /**
   * Takes a tick heard from the server. A later tick than estimated moves the estimate up at once;
   * an estimate too far ahead (the server stalled, or the local clock ran fast) is pulled back to
   * the heard tick plus the lead allowed for transit.
   * @param transitTicks one-way delay in ticks (half the RTT). @default 0
   */
  observe(tick: number, nowMs: number, transitTicks = 0): void {
    const estimate = this.at(nowMs);
    if (tick > estimate) this.reset(tick, nowMs);
    else if (estimate - tick > this.#maxLeadTicks + transitTicks) this.reset(tick + transitTicks, nowMs);
  }

  /** The integer tick to stamp a command with: current, and never below the previous stamp. */
  stamp(nowMs: number): number {
    const tick = Math.max(this.#lastStamp, Math.floor(this.at(nowMs)));
    this.#lastStamp = tick;
    return tick;
  }

  /** The last stamp handed out. */
  get lastStamp(): number {
    return this.#lastStamp;
  }
}
