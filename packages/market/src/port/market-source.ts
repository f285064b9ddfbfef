/**
 * @module The market source port. Every venue (simulator, CSV replay, and later Binance, Upbit,
 * Coinbase) implements it, so the collector never knows which one it runs. Shaped like nats.js:
 * `messages()` for data, `status()` for connection state, both async iterables.
 */
import type { Service } from '@tickline/kernel';
import type { MarketKind, MarketMessage } from './market-message.ts';
import type { SourceState, SourceStatusChange } from './source-status.ts';

/** A source of normalized market data with a lifecycle. */
export interface MarketSource extends Service {
  /** The venue name stamped on every trade (`simulator`, `binance`). */
  readonly exchange: string;
  /** The current feed state. */
  state(): SourceState;
  /**
   * Adds symbols (canonical `BTC-USDT`) and kinds to the subscription. Network sources pace the
   * venue requests; local sources apply it at once.
   */
  subscribe(symbols: readonly string[], kinds: readonly MarketKind[]): Promise<void>;
  /** Removes symbols from the subscription. */
  unsubscribe(symbols: readonly string[]): Promise<void>;
  /**
   * The normalized stream. Single consumer; ends after `stop()` (or at the end of a replay).
   * Pull-driven where the source allows it, so a slow consumer slows the source instead of
   * growing a queue.
   */
  messages(): AsyncIterable<MarketMessage>;
  /** Status changes, starting with the current state; ends after `stop()`. Many consumers. */
  status(): AsyncIterable<SourceStatusChange>;
}

/**
 * A source whose live feed continues a past it had written to the store (the simulator's history):
 * the collector marks no gap before the first live candles of such a symbol, as it does for every
 * other start (the previous run may have stopped mid-candle).
 */
export interface ContinuousSource {
  /** The symbol's live feed begins exactly where its stored past ends. */
  continuesStoredPast(symbol: string): boolean;
}

/** Whether `source`'s feed of `symbol` continues a stored past without a gap. */
export function continuesStoredPast(source: MarketSource, symbol: string): boolean {
  const continuous = source as Partial<ContinuousSource>;
  return typeof continuous.continuesStoredPast === 'function' && continuous.continuesStoredPast(symbol);
}
