/** @module The market's event types: trades, candle updates and closes, source status. */
import { defineEvent } from '@tickline/kernel';
import { CandleIntervalSchema, EventType, SymbolSchema } from '@tickline/protocol';
import { z } from 'zod';

const side = z.enum(['buy', 'sell', 'unknown']);
const interval = CandleIntervalSchema;
const positive = z.number().positive().finite();
const epochMs = z.number().int().nonnegative();

/** A validated trade. */
export const tradeSchema = z.object({
  exchange: z.string().min(1),
  symbol: SymbolSchema,
  tradeId: z.string().min(1),
  price: positive,
  size: positive,
  side,
  exchangeTime: epochMs,
  receivedAt: epochMs,
  seq: z.number().int().optional(),
});

/** An OHLCV candle. */
export const candleSchema = z.object({
  exchange: z.string().min(1),
  symbol: z.string().min(1),
  interval,
  openTime: epochMs,
  closeTime: epochMs,
  open: positive,
  high: positive,
  low: positive,
  close: positive,
  volume: z.number().nonnegative().finite(),
  quoteVolume: z.number().nonnegative().finite(),
  trades: z.number().int().nonnegative(),
  incomplete: z.boolean(),
  revision: z.number().int().nonnegative(),
});

export const MarketTrade = defineEvent({
  type: EventType.MarketTrade,
  description: 'A trade from a market source, normalized and validated.',
  schema: tradeSchema,
});

export const MarketCandleUpdated = defineEvent({
  type: EventType.MarketCandleUpdated,
  description: 'The forming candle of a symbol and interval changed.',
  schema: candleSchema,
});

export const MarketCandleClosed = defineEvent({
  type: EventType.MarketCandleClosed,
  description:
    'A candle closed, or a late trade corrected a closed one (correction: true, revision > 0); backfill: true for a bar a REST backfill fetched after a gap.',
  schema: candleSchema.extend({ correction: z.boolean(), backfill: z.boolean().optional() }),
});

/** Imported history of one series changed; the payload names the series and the upload. */
export const marketHistoryChangeSchema = z.object({
  exchange: z.string().min(1),
  symbol: z.string().min(1),
  interval,
  uploadId: z.string().min(1),
  change: z.enum(['imported', 'deleted']),
});

export const MarketHistoryChanged = defineEvent({
  type: EventType.MarketHistoryChanged,
  description:
    "Imported history of a series was added (an upload's chunk) or deleted (its upload deleted); readers drop what they cached of the series.",
  schema: marketHistoryChangeSchema,
});

export const MarketSourceStatus = defineEvent({
  type: EventType.MarketSourceStatus,
  description: 'A market source changed state (connecting, live, stale, backing_off, failed).',
  schema: z.object({
    source: z.string().min(1),
    exchange: z.string().min(1),
    state: z.enum(['connecting', 'live', 'stale', 'backing_off', 'failed']),
    at: epochMs,
    detail: z.string().optional(),
  }),
});

const indicatorValue = z.number().finite().nullable();

export const MarketIndicatorsUpdated = defineEvent({
  type: EventType.MarketIndicatorsUpdated,
  description:
    'Live indicator values (SMA, EMA, RSI, MACD, Bollinger) after a published candle of a live interval; null during warm-up.',
  schema: z.object({
    exchange: z.string().min(1),
    symbol: z.string().min(1),
    interval,
    openTime: epochMs,
    closed: z.boolean(),
    params: z.record(z.string(), z.unknown()),
    values: z.object({
      sma: indicatorValue,
      ema: indicatorValue,
      rsi: indicatorValue,
      macd: indicatorValue,
      macdSignal: indicatorValue,
      macdHistogram: indicatorValue,
      bollingerUpper: indicatorValue,
      bollingerMiddle: indicatorValue,
      bollingerLower: indicatorValue,
    }),
  }),
});

/** Every market event, for registering in an `EventRegistry`. */
export const MARKET_EVENTS = [
  MarketTrade,
  MarketCandleUpdated,
  MarketCandleClosed,
  MarketHistoryChanged,
  MarketSourceStatus,
  MarketIndicatorsUpdated,
] as const;
