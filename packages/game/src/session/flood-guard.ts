/**
 * @module Flood detection per connection: a token bucket refilled by elapsed time. After a stall
 * (GC, a slow tick, the network) the bucket has refilled for the whole stall, so the burst of
 * honest messages that queued up meanwhile passes; only a sustained excess trips it.
 */

/** A token bucket; `take()` is false once the connection exceeded its rate plus burst. */
export class FloodGuard {
  readonly #ratePerMs: number;
  readonly #capacity: number;
  #tokens: number;
  #at: number;

  constructor(messagesPerSecond: number, burstSeconds: number, nowMs: number) {
    this.#ratePerMs = messagesPerSecond / 1000;
    this.#capacity = messagesPerSecond * burstSeconds;
    this.#tokens = this.#capacity;
    this.#at = nowMs;
  }

  take(nowMs: number): boolean {
    const elapsed = nowMs - this.#at;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.#capacity, this.#tokens + elapsed * this.#ratePerMs);
      this.#at = nowMs;
    }
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
