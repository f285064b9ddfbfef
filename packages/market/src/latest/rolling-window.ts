/**
 * @module A 24-hour rolling window in one-minute buckets. Writes touch only the newest bucket
 * (O(1)); the summary scans at most 1,440 buckets and is computed on read, not per trade.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

interface Bucket {
  minute: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quoteVolume: number;
  trades: number;
}

/** Rolling statistics over the window. */
export interface RollingStats {
  /** Start of the window (ms, minute-aligned). */
  readonly windowStart: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly quoteVolume: number;
  readonly trades: number;
  /** close − open. */
  readonly change: number;
  /** (close − open) / open × 100. */
  readonly changePercent: number;
}

/** Minute buckets in time order; old ones fall off the front. */
export class RollingWindow {
  readonly #buckets: Bucket[] = [];
  #head = 0;

  /** Adds a trade. Trades older than the newest bucket's minute go into it (keeps writes O(1)). */
  add(timeMs: number, price: number, size: number): void {
    const minute = Math.floor(timeMs / MINUTE_MS) * MINUTE_MS;
    const last = this.#buckets[this.#buckets.length - 1];
    if (last && minute <= last.minute) {
      if (price > last.high) last.high = price;
      if (price < last.low) last.low = price;
      last.close = price;
      last.volume += size;
      last.quoteVolume += price * size;
      last.trades++;
      return;
    }
    this.#buckets.push({
      minute,
      open: price,
      high: price,
      low: price,
      close: price,
      volume: size,
      quoteVolume: price * size,
      trades: 1,
    });
  }

  /** Summary of the 24 h ending at `nowMs`, or null when it holds no trade. */
  summarize(nowMs: number): RollingStats | null {
    const from = Math.floor((nowMs - DAY_MS) / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    while (this.#head < this.#buckets.length && this.#buckets[this.#head]!.minute < from) this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#buckets.length) {
      this.#buckets.splice(0, this.#head);
      this.#head = 0;
    }
    if (this.#head >= this.#buckets.length) return null;
    const first = this.#buckets[this.#head]!;
    let high = first.high;
    let low = first.low;
    let volume = 0;
    let quoteVolume = 0;
    let trades = 0;
    for (let i = this.#head; i < this.#buckets.length; i++) {
      const b = this.#buckets[i]!;
      if (b.high > high) high = b.high;
      if (b.low < low) low = b.low;
      volume += b.volume;
      quoteVolume += b.quoteVolume;
      trades += b.trades;
    }
    const close = this.#buckets[this.#buckets.length - 1]!.close;
    const open = first.open;
    return Object.freeze({
      windowStart: from,
      open,
      high,
      low,
      close,
      volume,
      quoteVolume,
      trades,
      change: close - open,
      changePercent: ((close - open) / open) * 100,
    });
  }
}
