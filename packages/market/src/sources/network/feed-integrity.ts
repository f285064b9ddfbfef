/**
 * @module What keeps a network feed honest between the socket and the stream: duplicate trades
 * dropped, late ones counted, trade-id and sequence gaps found, a `disconnect` marker for every lost
 * connection and gap, and the window each symbol may be missing trades for, settled by its next
 * trade with a REST backfill.
 */
import type { Clock } from '@tickline/kernel';
import type { MarketMessage, Trade } from '../../port/market-message.ts';
import type { Backfiller } from './backfiller.ts';
import type { StatsRecorder } from './source-stats.ts';
import { FrameSequence, TradeOrder } from './trade-order.ts';

/** Options for {@link FeedIntegrity}. */
export interface FeedIntegrityOptions {
  exchange: string;
  /** Trade ids go up by one per trade (a jump is a gap; carrying on across a reconnect proves no loss). */
  contiguousTradeIds: boolean;
  recentTradeIds: number;
  clock: Clock;
  recorder: StatsRecorder;
  backfiller: Backfiller;
  push: (message: MarketMessage) => void;
}

/** Per-source bookkeeping that outlives connections (trade ids) and per-connection sequences. */
export class FeedIntegrity {
  readonly #o: FeedIntegrityOptions;
  readonly #order: TradeOrder;
  readonly #frames = new FrameSequence();
  /** Since when each symbol may be missing trades; settled by its next trade. */
  readonly #missingSince = new Map<string, number>();

  constructor(options: FeedIntegrityOptions) {
    this.#o = options;
    this.#order = new TradeOrder({
      contiguous: options.contiguousTradeIds,
      recentIds: options.recentTradeIds,
    });
  }

  /** A new connection: its message sequence starts over. */
  connectionOpened(): void {
    this.#frames.reset();
  }

  /** An open connection was lost: one marker; every symbol may be missing trades from its last one. */
  connectionLost(symbols: readonly string[], reason: string): void {
    this.#o.recorder.add('disconnects');
    this.#mark(symbols, reason, undefined);
  }

  /** A connection-level sequence number (Coinbase `sequence_num`): a jump is a gap for all symbols. */
  sequence(seq: number, symbols: readonly string[]): void {
    const verdict = this.#frames.check(seq);
    if (verdict.type === 'gap')
      this.#gap(symbols, `sequence gap: ${verdict.missed} frames missed`, undefined);
    else if (verdict.type === 'stale') this.#o.recorder.add('outOfOrder');
  }

  /** A decoded trade of a subscribed symbol: dropped, or pushed after any gap marker. */
  trade(trade: Trade): void {
    const symbol = trade.symbol;
    const previousId = this.#order.lastId(symbol);
    const previousTime = this.#order.lastTime(symbol);
    const verdict = this.#order.check(symbol, trade.tradeId, trade.exchangeTime);
    if (verdict.type === 'duplicate') {
      this.#o.recorder.add('duplicates');
      return;
    }
    if (verdict.type === 'out_of_order') this.#o.recorder.add('outOfOrder');
    if (verdict.type === 'gap') {
      this.#gap([symbol], `trade id gap: ${verdict.from}..${verdict.to} missing`, previousTime);
    }
    const since = this.#missingSince.get(symbol);
    if (since !== undefined && verdict.type !== 'out_of_order') {
      this.#missingSince.delete(symbol);
      const carriedOn =
        this.#o.contiguousTradeIds && verdict.type === 'new' && Number(trade.tradeId) === previousId! + 1;
      if (!carriedOn) this.#o.backfiller.request(symbol, since, trade.exchangeTime);
    }
    this.#o.recorder.add('trades');
    this.#o.push({ kind: 'trade', trade });
  }

  #gap(symbols: readonly string[], reason: string, since: number | undefined): void {
    this.#o.recorder.add('gaps');
    this.#mark(symbols, reason, since);
  }

  #mark(symbols: readonly string[], reason: string, since: number | undefined): void {
    const at = this.#o.clock.now();
    for (const s of symbols) {
      if (!this.#missingSince.has(s)) this.#missingSince.set(s, since ?? this.#order.lastTime(s) ?? at);
    }
    this.#o.push({ kind: 'disconnect', exchange: this.#o.exchange, symbols, at, reason });
  }
}
