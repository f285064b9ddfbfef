/**
 * @module Trade → candle aggregation. Pure and deterministic: time comes only from the trades
 * (exchange time) and from explicit {@link CandleAggregator.advance} calls, never a wall clock.
 *
 * Per (symbol, interval) one candle is forming. A trade in a later bucket closes it. Closed
 * candles stay correctable for `graceMs` after their close time (measured on the watermark, the
 * latest time seen): a late trade inside the window updates the candle, bumps `revision` and
 * emits a `closed` output with `correction: true`; later than that it is dropped and counted.
 *
 * A trade into a forming candle allocates nothing: series are found by symbol and interval
 * position (no key strings), and the output array is made only when there is an output.
 */
import type { Candle, CandleInterval, DisconnectMessage, Trade } from '../port/market-message.ts';
import { ALL_INTERVALS, INTERVAL_MS, bucketStart, type CandleBucketer } from './intervals.ts';
import { DEFAULT_CANDLE_GRACE_MS } from '../config.ts';

export { DEFAULT_CANDLE_GRACE_MS };

/** What aggregation emits. */
export interface CandleOutput {
  readonly type: 'updated' | 'closed';
  readonly candle: Candle;
  /** A late trade changed an already closed candle. */
  readonly correction: boolean;
}

/** Options for {@link CandleAggregator}. */
export interface CandleAggregatorOptions {
  /** @default all six: 1s, 1m, 5m, 15m, 1h, 1d */
  intervals?: readonly CandleInterval[];
  /** How long after its close a candle still accepts late trades. @default 5_000 */
  graceMs?: number;
  /** Emit an `updated` output for every trade into a forming candle. @default true */
  emitUpdates?: boolean;
  /**
   * Cuts time into candles; a trade it places in no bucket builds no candle for that interval
   * (counted in `outsideSession`). Shares use `createSessionBucketer()` so their bars follow the
   * exchange's sessions. @default UTC-aligned buckets for every symbol
   */
  buckets?: CandleBucketer;
}

/** A candle being built, with the exchange times of its first and last trade (for open/close order). */
type Working = { -readonly [K in keyof Candle]: Candle[K] } & { firstAt: number; lastAt: number };

interface Series {
  forming: Working | null;
  /** Closed candles still inside the grace window, by open time. */
  recent: Map<number, Working>;
  /** A disconnect happened; the next candle to receive a trade is incomplete. */
  gapPending: boolean;
  /** The newest bucket ever opened; trades for it or older (once closed) are late. */
  latestOpen: number;
}

/** What a call returns when nothing happened (most trades, without per-trade updates). */
const NO_OUTPUTS: readonly CandleOutput[] = Object.freeze([]);

function freeze(c: Working): Candle {
  const { firstAt: _f, lastAt: _l, ...candle } = c;
  return Object.freeze(candle);
}

/** Aggregates one exchange's trades into candles for every configured interval. */
export class CandleAggregator {
  readonly #intervals: readonly CandleInterval[];
  readonly #graceMs: number;
  readonly #emitUpdates: boolean;
  readonly #buckets: CandleBucketer | undefined;
  #outsideSession = 0;
  /** Per symbol, its series in the order of `#intervals`. */
  readonly #series = new Map<string, Series[]>();
  /** Every series, for the scans that visit them all. */
  readonly #all: Series[] = [];
  /** Outputs of the call in progress; created on the first one. */
  #out: CandleOutput[] | undefined;
  #watermark = Number.NEGATIVE_INFINITY;
  #droppedLate = 0;
  /** Earliest close time of any forming candle / grace end of any recent one: skips idle scans. */
  #nextCloseAt = Number.POSITIVE_INFINITY;
  #nextExpireAt = Number.POSITIVE_INFINITY;

  constructor(options: CandleAggregatorOptions = {}) {
    this.#intervals = options.intervals ?? ALL_INTERVALS;
    this.#graceMs = options.graceMs ?? DEFAULT_CANDLE_GRACE_MS;
    this.#emitUpdates = options.emitUpdates ?? true;
    this.#buckets = options.buckets;
  }

  /** Trades that fell outside their exchange's session for some interval (built no candle there). */
  get outsideSession(): number {
    return this.#outsideSession;
  }

  /** Trades dropped because they arrived after their candle's grace window. */
  get droppedLate(): number {
    return this.#droppedLate;
  }

  /** Adds a trade; returns the outputs in order (closes before the new candle's update). */
  onTrade(trade: Trade): readonly CandleOutput[] {
    if (trade.exchangeTime > this.#watermark) {
      this.#closeDue(trade.exchangeTime);
      this.#watermark = trade.exchangeTime;
    }
    const series = this.#seriesOf(trade.symbol);
    let late = false;
    let outside = false;
    for (let i = 0; i < series.length; i++) {
      const applied = this.#apply(trade, series[i]!, this.#intervals[i]!);
      if (applied === false) late = true;
      else if (applied === null) outside = true;
    }
    if (late) this.#droppedLate++;
    if (outside) this.#outsideSession++;
    this.#expire();
    return this.#take();
  }

  /** Time passed with no trades (a timer tick): closes candles whose end is at or before `nowMs`. */
  advance(nowMs: number): readonly CandleOutput[] {
    if (nowMs > this.#watermark) {
      this.#closeDue(nowMs);
      this.#watermark = nowMs;
    }
    this.#expire();
    return this.#take();
  }

  /** A feed gap: the forming candles of these symbols, and the next ones to get a trade, are incomplete. */
  onDisconnect(marker: DisconnectMessage): readonly CandleOutput[] {
    for (const symbol of marker.symbols) {
      for (const s of this.#seriesOf(symbol)) {
        s.gapPending = true;
        if (s.forming && !s.forming.incomplete && s.forming.closeTime > marker.at) {
          s.forming.incomplete = true;
          if (this.#emitUpdates) this.#emit('updated', s.forming, false);
        }
      }
    }
    return this.#take();
  }

  /** The forming candle, if any (for snapshots). */
  forming(symbol: string, interval: CandleInterval): Candle | null {
    const at = this.#intervals.indexOf(interval);
    const f = at < 0 ? null : this.#series.get(symbol)?.[at]?.forming;
    return f ? freeze(f) : null;
  }

  #seriesOf(symbol: string): Series[] {
    let series = this.#series.get(symbol);
    if (!series) {
      series = this.#intervals.map(() => ({
        forming: null,
        recent: new Map<number, Working>(),
        gapPending: false,
        latestOpen: Number.NEGATIVE_INFINITY,
      }));
      this.#series.set(symbol, series);
      this.#all.push(...series);
    }
    return series;
  }

  #emit(type: CandleOutput['type'], c: Working, correction: boolean): void {
    (this.#out ??= []).push({ type, candle: freeze(c), correction });
  }

  /** The outputs of the call that is ending. */
  #take(): readonly CandleOutput[] {
    const out = this.#out ?? NO_OUTPUTS;
    this.#out = undefined;
    return out;
  }

  /** Returns false when the trade was too late for this interval, null when it has no bucket. */
  #apply(trade: Trade, s: Series, interval: CandleInterval): boolean | null {
    let open: number;
    let closeTime: number;
    if (this.#buckets) {
      const bucket = this.#buckets(trade.symbol, trade.exchangeTime, interval);
      if (!bucket) return null;
      ({ openTime: open, closeTime } = bucket);
    } else {
      // The UTC path inline: a trade into a forming candle still allocates nothing.
      open = bucketStart(trade.exchangeTime, interval);
      closeTime = open + INTERVAL_MS[interval];
    }
    const f = s.forming;
    if (f && f.openTime === open) {
      this.#add(f, trade);
      if (this.#emitUpdates) this.#emit('updated', f, false);
      return true;
    }
    // A bucket that already ended on the watermark (closed by advance) is late even if it never opened.
    if (open > s.latestOpen && closeTime > this.#watermark) {
      if (f) this.#close(s);
      s.latestOpen = open;
      const c = this.#start(trade, interval, open, closeTime);
      if (s.gapPending) {
        c.incomplete = true;
        s.gapPending = false;
      }
      s.forming = c;
      if (c.closeTime < this.#nextCloseAt) this.#nextCloseAt = c.closeTime;
      if (this.#emitUpdates) this.#emit('updated', c, false);
      return true;
    }
    // Older than the forming candle: correct a recent closed one, or create it if the bucket was empty.
    if (this.#watermark >= closeTime + this.#graceMs) return false;
    const closed = s.recent.get(open);
    if (closed) {
      this.#add(closed, trade);
      closed.revision += 1;
      this.#emit('closed', closed, true);
    } else {
      const c = this.#start(trade, interval, open, closeTime);
      c.revision = 1;
      this.#keep(s, c);
      this.#emit('closed', c, true);
    }
    return true;
  }

  #start(trade: Trade, interval: CandleInterval, open: number, closeTime: number): Working {
    return {
      exchange: trade.exchange,
      symbol: trade.symbol,
      interval,
      openTime: open,
      closeTime,
      open: trade.price,
      high: trade.price,
      low: trade.price,
      close: trade.price,
      volume: trade.size,
      quoteVolume: trade.price * trade.size,
      trades: 1,
      incomplete: false,
      revision: 0,
      firstAt: trade.exchangeTime,
      lastAt: trade.exchangeTime,
    };
  }

  #add(c: Working, trade: Trade): void {
    if (trade.price > c.high) c.high = trade.price;
    if (trade.price < c.low) c.low = trade.price;
    // Arrival order decides ties; an earlier exchange time within the bucket takes the open.
    if (trade.exchangeTime < c.firstAt) {
      c.open = trade.price;
      c.firstAt = trade.exchangeTime;
    }
    if (trade.exchangeTime >= c.lastAt) {
      c.close = trade.price;
      c.lastAt = trade.exchangeTime;
    }
    c.volume += trade.size;
    c.quoteVolume += trade.price * trade.size;
    c.trades += 1;
  }

  #close(s: Series): void {
    const f = s.forming!;
    s.forming = null;
    this.#keep(s, f);
    this.#emit('closed', f, false);
  }

  #keep(s: Series, c: Working): void {
    s.recent.set(c.openTime, c);
    const until = c.closeTime + this.#graceMs;
    if (until < this.#nextExpireAt) this.#nextExpireAt = until;
  }

  #closeDue(nowMs: number): void {
    if (nowMs < this.#nextCloseAt) return;
    let next = Number.POSITIVE_INFINITY;
    for (const s of this.#all) {
      if (s.forming && s.forming.closeTime <= nowMs) this.#close(s);
      if (s.forming && s.forming.closeTime < next) next = s.forming.closeTime;
    }
    this.#nextCloseAt = next;
  }

  #expire(): void {
    if (this.#watermark < this.#nextExpireAt) return;
    let next = Number.POSITIVE_INFINITY;
    for (const s of this.#all) {
      for (const [open, c] of s.recent) {
        const until = c.closeTime + this.#graceMs;
        if (this.#watermark >= until) s.recent.delete(open);
        else if (until < next) next = until;
      }
    }
    this.#nextExpireAt = next;
  }
}
