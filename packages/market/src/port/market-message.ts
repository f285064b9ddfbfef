/**
 * @module The normalized market stream: what every source emits, whatever the venue. Trades and
 * candles use canonical symbols (`BTC-USDT`) and epoch milliseconds.
 */
// Candle intervals (UTC-aligned) are a closed set clients name too: defined in @tickline/protocol.
import type { CandleInterval } from '@tickline/protocol';
export { CandleInterval } from '@tickline/protocol';

/** What a subscription can ask for. */
export const MarketKind = { Trade: 'trade', Candle: 'candle' } as const;
export type MarketKind = (typeof MarketKind)[keyof typeof MarketKind];

/** The aggressor's side. `unknown` when the venue does not say. */
export const TradeSide = { Buy: 'buy', Sell: 'sell', Unknown: 'unknown' } as const;
export type TradeSide = (typeof TradeSide)[keyof typeof TradeSide];

/** A validated trade. */
export interface Trade {
  /** The venue (`binance`, `simulator`, `csv`). */
  readonly exchange: string;
  /** Canonical `BASE-QUOTE`. */
  readonly symbol: string;
  /** The venue's trade id, unique per exchange and symbol. */
  readonly tradeId: string;
  readonly price: number;
  readonly size: number;
  readonly side: TradeSide;
  /** When the venue says the trade happened (ms). */
  readonly exchangeTime: number;
  /** When we received it (ms), for lag. */
  readonly receivedAt: number;
  /** The venue's sequence number, where it has one. */
  readonly seq?: number;
}

/** An OHLCV candle over `[openTime, closeTime)`. */
export interface Candle {
  readonly exchange: string;
  readonly symbol: string;
  readonly interval: CandleInterval;
  readonly openTime: number;
  /** Exclusive end: `openTime + interval` (a share's bar ends at its session's close if sooner). */
  readonly closeTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Base volume. */
  readonly volume: number;
  /** Sum of price × size. */
  readonly quoteVolume: number;
  readonly trades: number;
  /** A source disconnect overlapped this candle: trades may be missing. */
  readonly incomplete: boolean;
  /** 0 when first closed; each correction by a late trade adds one. */
  readonly revision: number;
}

/** A trade on the stream. */
export interface TradeMessage {
  readonly kind: 'trade';
  readonly trade: Trade;
}

/** A venue-made candle on the stream (kline feeds, CSV candle replay). */
export interface CandleMessage {
  readonly kind: 'candle';
  readonly candle: Candle;
  /**
   * Fetched over REST after a gap (not streamed): a stored bar it rewrites is a correction whose
   * data version names `backfill:{venue}`.
   */
  readonly backfill?: true;
}

/**
 * The source lost its feed at `at`; trades for `symbols` may be missing until the next message.
 * Candle aggregation flags the affected candles incomplete.
 */
export interface DisconnectMessage {
  readonly kind: 'disconnect';
  readonly exchange: string;
  readonly symbols: readonly string[];
  readonly at: number;
  readonly reason: string;
}

export type MarketMessage = TradeMessage | CandleMessage | DisconnectMessage;
