/**
 * @module A venue's closed candle as the port's {@link Candle}: every REST or kline decoder reads
 * the same fields (prices and volume as decimals, close time one interval after open, never
 * incomplete, revision 0), so they build it here; only where each field sits differs per venue.
 */
import { INTERVAL_MS } from '../../candles/intervals.ts';
import { parseDecimal } from '../../normalize/parse-number.ts';
import type { Candle, CandleInterval } from '../../port/market-message.ts';

/** A candle's fields as the venue sent them; prices and volume are parsed as decimals. */
export interface VenueCandleFields {
  exchange: string;
  symbol: string;
  interval: CandleInterval;
  /** Epoch ms. */
  openTime: number;
  open: unknown;
  high: unknown;
  low: unknown;
  close: unknown;
  volume: unknown;
  /** Already a number: venues without it pass nothing. @default 0 */
  quoteVolume?: number;
  /** Venues without a trade count pass nothing. @default 0 */
  trades?: number;
}

/** A frozen closed candle from a venue's fields. */
export function venueCandle(fields: VenueCandleFields): Candle {
  return Object.freeze({
    exchange: fields.exchange,
    symbol: fields.symbol,
    interval: fields.interval,
    openTime: fields.openTime,
    closeTime: fields.openTime + INTERVAL_MS[fields.interval],
    open: parseDecimal(fields.open),
    high: parseDecimal(fields.high),
    low: parseDecimal(fields.low),
    close: parseDecimal(fields.close),
    volume: parseDecimal(fields.volume),
    quoteVolume: fields.quoteVolume ?? 0,
    trades: fields.trades ?? 0,
    incomplete: false,
    revision: 0,
  });
}
