/**
 * @module The data-health interlock's state machine (pure: candles and a time in, changes out).
 * A feed turns unhealthy when it goes stale (no candle for `staleIntervals` of its interval), when
 * a candle comes after a gap (one or more intervals missing), or when its close jumps more than
 * `jumpPercent` from the one before; it is healthy again after `healthyCandles` clean candles in a
 * row. A silence shorter than `staleMinMs` is never stale and one shorter than `gapMinMs` never a
 * gap: a 1 s feed misses a candle whenever a second has no trade, and a busy machine's pause of a
 * few seconds delays candles without anything being wrong with the market's data. The runner refuses the entries of the runs that read an unhealthy feed and tells their
 * owners (live-runner.ts, run-orders.ts); strategies read it as `ctx.dataHealthy`.
 */
import { type CandleInterval, INTERVAL_MS } from '@tickline/market';

/** `trading.live.dataHealth` (see trading-settings.ts). */
export interface DataHealthSettings {
  /** Intervals without a candle after which a feed is stale; 0 turns the check off. */
  staleIntervals: number;
  /** Largest close-to-close move, percent, before a feed counts as jumped; 0 turns it off. */
  jumpPercent: number;
  /** Clean candles in a row after which an unhealthy feed is healthy again. */
  healthyCandles: number;
  /** The shortest silence that counts as stale, whatever the interval. @default 30_000 */
  staleMinMs?: number;
  /** The shortest stretch of missing candles that counts as a gap, whatever the interval. @default 10_000 */
  gapMinMs?: number;
}

/** See {@link DataHealthSettings.staleMinMs}. */
export const DEFAULT_STALE_MIN_MS = 30_000;
/** See {@link DataHealthSettings.gapMinMs}. */
export const DEFAULT_GAP_MIN_MS = 10_000;

export const DEFAULT_DATA_HEALTH: DataHealthSettings = Object.freeze({
  staleIntervals: 3,
  jumpPercent: 20,
  healthyCandles: 2,
});

export const FeedProblem = { Stale: 'stale', Gap: 'gap', Jump: 'jump' } as const;
export type FeedProblem = (typeof FeedProblem)[keyof typeof FeedProblem];

/** A feed's health as the API shows it on a run. */
export interface FeedHealth {
  symbol: string;
  interval: string;
  healthy: boolean;
  problem?: FeedProblem;
  /** What was seen, in words ("no candle for 3 intervals", "close moved 25.0%"). */
  detail?: string;
  /** When it turned unhealthy (epoch ms). */
  since?: number;
}

/** A feed that turned unhealthy or healthy again. */
export type FeedHealthChange = FeedHealth & { at: number };

/** The candle fields the machine reads. */
export interface HealthCandle {
  symbol: string;
  interval: string;
  closeTime: number;
  close: number;
}

interface Tracked {
  symbol: string;
  interval: string;
  everyMs: number;
  lastCloseTime: number;
  /** When the last new candle arrived (the caller's clock): silence is judged by arrival. */
  lastSeenAt: number;
  lastClose: number;
  problem?: { problem: FeedProblem; detail: string; since: number };
  clean: number;
}

const keyOf = (symbol: string, interval: string) => `${symbol}\u0000${interval}`;

/** See the module comment. */
export class DataHealth {
  readonly #s: DataHealthSettings;
  readonly #feeds = new Map<string, Tracked>();

  constructor(settings: DataHealthSettings = DEFAULT_DATA_HEALTH) {
    this.#s = settings;
  }

  /** Takes a closed candle (at `now`); the change it made, if any. */
  observe(candle: HealthCandle, now: number): FeedHealthChange | undefined {
    const key = keyOf(candle.symbol, candle.interval);
    const feed = this.#feeds.get(key);
    if (feed === undefined) {
      this.#feeds.set(key, {
        symbol: candle.symbol,
        interval: candle.interval,
        // An interval the market does not list (never in practice) is judged as one minute.
        everyMs: INTERVAL_MS[candle.interval as CandleInterval] ?? 60_000,
        lastCloseTime: candle.closeTime,
        lastSeenAt: now,
        lastClose: candle.close,
        clean: 0,
      });
      return undefined;
    }
    // A candle seen before (a redelivery, a catch-up) says nothing new.
    if (candle.closeTime <= feed.lastCloseTime) return undefined;
    const found = this.#problemOf(feed, candle);
    feed.lastCloseTime = candle.closeTime;
    feed.lastSeenAt = now;
    feed.lastClose = candle.close;
    if (found !== undefined) return this.#unhealthy(feed, found.problem, found.detail, now);
    if (feed.problem === undefined) return undefined;
    if (++feed.clean < this.#s.healthyCandles) return undefined;
    delete feed.problem;
    return { ...this.#view(feed), at: now };
  }

  /**
   * Feeds that received no new candle for `staleIntervals` of their interval before `now` turn
   * stale. Silence is counted from the last candle's arrival, not its close time: a feed replaying
   * older candles steadily (a catch-up, a replayed session) is alive, and one that stops is not.
   */
  check(now: number): FeedHealthChange[] {
    if (this.#s.staleIntervals <= 0) return [];
    const changes: FeedHealthChange[] = [];
    for (const feed of this.#feeds.values()) {
      if (feed.problem?.problem === 'stale') continue;
      const silentMs = now - feed.lastSeenAt;
      const missed = Math.floor(silentMs / feed.everyMs);
      if (missed < this.#s.staleIntervals || silentMs < (this.#s.staleMinMs ?? DEFAULT_STALE_MIN_MS))
        continue;
      const change = this.#unhealthy(
        feed,
        'stale',
        `no candle for ${missed} intervals of ${feed.interval}`,
        now,
      );
      if (change !== undefined) changes.push(change);
    }
    return changes;
  }

  /** The feed's health (healthy when never seen). */
  of(symbol: string, interval: string): FeedHealth {
    const feed = this.#feeds.get(keyOf(symbol, interval));
    return feed === undefined ? { symbol, interval, healthy: true } : this.#view(feed);
  }

  #problemOf(feed: Tracked, candle: HealthCandle): { problem: FeedProblem; detail: string } | undefined {
    const step = candle.closeTime - feed.lastCloseTime;
    // More than one interval between two closes: at least one candle is missing (for long enough).
    if (step >= feed.everyMs * 1.5 && step - feed.everyMs >= (this.#s.gapMinMs ?? DEFAULT_GAP_MIN_MS)) {
      const missing = Math.round(step / feed.everyMs) - 1;
      return {
        problem: 'gap',
        detail: `${missing} candle${missing === 1 ? '' : 's'} of ${feed.interval} missing`,
      };
    }
    if (this.#s.jumpPercent > 0 && feed.lastClose > 0) {
      const moved = (100 * Math.abs(candle.close - feed.lastClose)) / feed.lastClose;
      if (moved > this.#s.jumpPercent)
        return { problem: 'jump', detail: `close moved ${moved.toFixed(1)}% (band ${this.#s.jumpPercent}%)` };
    }
    return undefined;
  }

  /** Marks `feed` unhealthy; a change only when it was healthy (a new problem restarts the count). */
  #unhealthy(feed: Tracked, problem: FeedProblem, detail: string, now: number): FeedHealthChange | undefined {
    feed.clean = 0;
    const was = feed.problem;
    feed.problem = { problem, detail, since: was?.since ?? now };
    return was === undefined ? { ...this.#view(feed), at: now } : undefined;
  }

  #view(feed: Tracked): FeedHealth {
    const p = feed.problem;
    return p === undefined
      ? { symbol: feed.symbol, interval: feed.interval, healthy: true }
      : { symbol: feed.symbol, interval: feed.interval, healthy: false, ...p };
  }
}
