/**
 * @module Per-symbol trade bookkeeping: exact duplicates dropped by trade id (a reconnect replays
 * the venue's snapshot, and overlapping connections repeat trades), out-of-order trades passed on
 * and counted, and — where the venue numbers trades contiguously (Binance `t`) — gaps found.
 */

/** What {@link TradeOrder.check} decided about one trade. */
export type TradeVerdict =
  | { readonly type: 'new' }
  | { readonly type: 'duplicate' }
  /** Older than the newest seen, but not seen: passed on (candles take late trades). */
  | { readonly type: 'out_of_order' }
  /** Ids `from`..`to` (inclusive) never arrived. */
  | { readonly type: 'gap'; readonly from: number; readonly to: number };

interface SymbolState {
  /** Highest numeric id seen. */
  maxId: number;
  /** Exchange time of the newest trade. */
  lastTime: number;
  /** Recent ids, insertion-ordered for FIFO eviction. */
  recent: Set<string>;
}

/** Options for {@link TradeOrder}. */
export interface TradeOrderOptions {
  /** Numeric ids go up by exactly one per trade, so a jump is a gap. */
  contiguous: boolean;
  /** Ids remembered per symbol for duplicate detection. @default 10_000 */
  recentIds?: number;
}

export const DEFAULT_RECENT_TRADE_IDS = 10_000;

/** Tracks trade ids per symbol, across reconnects. */
export class TradeOrder {
  readonly #contiguous: boolean;
  readonly #recentIds: number;
  readonly #symbols = new Map<string, SymbolState>();

  constructor(options: TradeOrderOptions) {
    this.#contiguous = options.contiguous;
    this.#recentIds = options.recentIds ?? DEFAULT_RECENT_TRADE_IDS;
  }

  /** The exchange time of the newest trade seen for `symbol`. */
  lastTime(symbol: string): number | undefined {
    return this.#symbols.get(symbol)?.lastTime;
  }

  /** The highest numeric trade id seen for `symbol`. */
  lastId(symbol: string): number | undefined {
    return this.#symbols.get(symbol)?.maxId;
  }

  /** Classifies a trade and records it (duplicates are not recorded again). */
  check(symbol: string, tradeId: string, exchangeTime: number): TradeVerdict {
    const id = Number(tradeId);
    let state = this.#symbols.get(symbol);
    if (!state) {
      state = { maxId: Number.NEGATIVE_INFINITY, lastTime: exchangeTime, recent: new Set() };
      this.#symbols.set(symbol, state);
    }
    if (state.recent.has(tradeId)) return { type: 'duplicate' };
    state.recent.add(tradeId);
    if (state.recent.size > this.#recentIds) {
      state.recent.delete(state.recent.values().next().value!);
    }
    if (!Number.isFinite(id)) {
      state.lastTime = Math.max(state.lastTime, exchangeTime);
      return { type: 'new' };
    }
    const previous = state.maxId;
    if (Number.isFinite(previous) && id < previous) return { type: 'out_of_order' };
    state.maxId = id;
    state.lastTime = Math.max(state.lastTime, exchangeTime);
    if (this.#contiguous && Number.isFinite(previous) && id > previous + 1) {
      return { type: 'gap', from: previous + 1, to: id - 1 };
    }
    return { type: 'new' };
  }
}

/**
 * A per-connection message sequence (Coinbase `sequence_num`): each frame should carry the last
 * plus one. Restarts with every connection.
 */
export class FrameSequence {
  #last: number | null = null;

  reset(): void {
    this.#last = null;
  }

  /** `ok`, `gap` (with the count missed) or `stale` (not newer than the last). */
  check(seq: number): { type: 'ok' } | { type: 'gap'; missed: number } | { type: 'stale' } {
    const last = this.#last;
    if (last !== null && seq <= last) return { type: 'stale' };
    this.#last = seq;
    if (last !== null && seq > last + 1) return { type: 'gap', missed: seq - last - 1 };
    return { type: 'ok' };
  }
}
