/**
 * @module The `CacheStore` port under the market read cache: string values grouped by series
 * (`candles:BTC-USDT:1m`), each series with a generation. A value is stored under the generation
 * its reader saw *before* loading it, and invalidating a series bumps the generation: a load that
 * raced an invalidation lands under the old generation, which nobody reads any more. So a value
 * read from SQL before a write committed can never be served after that write's invalidation.
 */

/** What a read found: the series' current generation, and the value stored under it (if any). */
export interface CacheRead {
  generation: number;
  value: string | undefined;
}

/** The port; the in-memory and Redis adapters pass one contract suite. */
export interface CacheStore {
  /** `memory` or `redis`: the metrics label. */
  readonly name: string;
  /** The series' generation and the entry stored under it. */
  read(series: string, entry: string): Promise<CacheRead>;
  /** Stores `value` for `entry` under `generation` (a stale generation's value is never read). */
  write(series: string, generation: number, entry: string, value: string, ttlMs: number): Promise<void>;
  /** Bumps each series' generation: every entry stored so far stops being read. */
  invalidate(series: readonly string[]): Promise<void>;
}
