/**
 * @module The latest-value store: last trade and 24 h rolling stats per symbol. Writers mutate
 * private state; readers only ever get frozen snapshots, rebuilt lazily when the version moved.
 * A snapshot a reader holds never changes under it, however many writes follow, and a
 * `snapshot()` is one consistent view across all symbols (taken between two writes).
 */
import { systemClock, type Clock } from '@tickline/kernel';
import type { Trade } from '../port/market-message.ts';
import { MINUTE_MS, RollingWindow, type RollingStats } from './rolling-window.ts';

/** One symbol's latest values. */
export interface Ticker {
  readonly symbol: string;
  readonly lastTrade: Trade;
  /** Null once every trade fell out of the 24 h window. */
  readonly stats24h: RollingStats | null;
  /** The store version this ticker was read at. */
  readonly version: number;
}

/** Every symbol's ticker, as of one version. */
export interface LatestSnapshot {
  readonly version: number;
  readonly at: number;
  readonly tickers: ReadonlyMap<string, Ticker>;
}

interface Entry {
  lastTrade: Trade;
  window: RollingWindow;
  version: number;
  cached: Ticker | null;
  /** The minute the cached ticker's window was computed for: the window rolls even without writes. */
  cachedMinute: number;
}

/** Options for {@link LatestStore}. */
export interface LatestStoreOptions {
  /** Time for the 24 h window. @default systemClock */
  clock?: Clock;
}

/** Concurrent-safe latest values: writes are cheap, reads are immutable. */
export class LatestStore {
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  #version = 0;
  #snapshot: LatestSnapshot | null = null;

  constructor(options: LatestStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  /** Increases with every write. */
  get version(): number {
    return this.#version;
  }

  /** Records a trade. The last trade is the one with the latest exchange time. */
  write(trade: Trade): void {
    this.#version++;
    let e = this.#entries.get(trade.symbol);
    if (!e) {
      e = {
        lastTrade: trade,
        window: new RollingWindow(),
        version: this.#version,
        cached: null,
        cachedMinute: 0,
      };
      this.#entries.set(trade.symbol, e);
    } else if (trade.exchangeTime >= e.lastTrade.exchangeTime) {
      e.lastTrade = trade;
    }
    e.window.add(trade.exchangeTime, trade.price, trade.size);
    e.version = this.#version;
    e.cached = null;
  }

  /** One symbol's ticker, or undefined. */
  get(symbol: string): Ticker | undefined {
    const e = this.#entries.get(symbol);
    return e ? this.#ticker(symbol, e) : undefined;
  }

  /** All tickers at one version. Repeated calls without writes (within a minute) return the same object. */
  snapshot(): LatestSnapshot {
    if (
      this.#snapshot &&
      this.#snapshot.version === this.#version &&
      Math.floor(this.#snapshot.at / MINUTE_MS) === Math.floor(this.#clock.now() / MINUTE_MS)
    ) {
      return this.#snapshot;
    }
    const tickers = new Map<string, Ticker>();
    for (const [symbol, e] of this.#entries) tickers.set(symbol, this.#ticker(symbol, e));
    this.#snapshot = Object.freeze({ version: this.#version, at: this.#clock.now(), tickers });
    return this.#snapshot;
  }

  /** Symbols with at least one trade. */
  symbols(): string[] {
    return [...this.#entries.keys()];
  }

  #ticker(symbol: string, e: Entry): Ticker {
    const now = Math.max(this.#clock.now(), e.lastTrade.exchangeTime);
    const minute = Math.floor(now / MINUTE_MS);
    if (e.cached && e.cachedMinute === minute) return e.cached;
    e.cached = Object.freeze({
      symbol,
      lastTrade: e.lastTrade,
      stats24h: e.window.summarize(now),
      version: e.version,
    });
    e.cachedMinute = minute;
    return e.cached;
  }
}
