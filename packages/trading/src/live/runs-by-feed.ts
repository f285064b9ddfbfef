/**
 * @module The runs each feed's closed candles go to, by `symbol\u0000interval`: a wave asks the
 * runs of its candles' feeds, an enable adds a run under each of its feeds, a disable removes it.
 */
import type { LiveRun } from './live-run.ts';

/** The key of a feed (a candle's symbol and interval). */
export const feedKey = (feed: { symbol: string; interval: string }): string =>
  `${feed.symbol}\u0000${feed.interval}`;

export class RunsByFeed {
  readonly #byFeed = new Map<string, LiveRun[]>();

  add(run: LiveRun): void {
    for (const f of run.spec.feeds) this.#byFeed.set(feedKey(f), [...this.of(f), run]);
  }

  remove(run: LiveRun): void {
    for (const f of run.spec.feeds)
      this.#byFeed.set(
        feedKey(f),
        this.of(f).filter((r) => r !== run),
      );
  }

  /** The runs on `feed` (a candle's symbol and interval). */
  of(feed: { symbol: string; interval: string }): readonly LiveRun[] {
    return this.#byFeed.get(feedKey(feed)) ?? [];
  }
}
