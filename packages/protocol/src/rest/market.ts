/**
 * @module The market API on the wire (`/api/v1/markets`, `/api/v1/admin/market`): response schemas
 * (the gateway documents its responses with them; the SDK and the dashboard read their types) and
 * the ticker message of `market:{symbol}:ticker`. Times are epoch milliseconds.
 */
import { z } from 'zod';
import { CandleIntervalSchema } from '../sets/candle-interval.ts';
import { MarketListingSchema, MarketSessionSchema } from './market-session.ts';

/** Indicators the API computes. */
export const INDICATOR_NAMES = [
  'sma',
  'ema',
  'wma',
  'rsi',
  'macd',
  'bollinger',
  'atr',
  'stochastic',
  'vwap',
  'obv',
] as const;
export type IndicatorName = (typeof INDICATOR_NAMES)[number];

/** The aggressor's side; `unknown` when the venue does not say. */
export const TradeSideSchema = z.enum(['buy', 'sell', 'unknown']);

/** A source's connection state. */
export const SourceStateSchema = z.enum(['connecting', 'live', 'stale', 'backing_off', 'failed']);

export const TradeSchema = z.object({
  exchange: z.string(),
  symbol: z.string(),
  tradeId: z.string(),
  price: z.number(),
  size: z.number(),
  side: TradeSideSchema,
  exchangeTime: z.number(),
  receivedAt: z.number(),
  seq: z.number().optional(),
});

/** Prices, volumes and count of a candle or a 24 h window. */
const OHLCV_FIELDS = {
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
  quoteVolume: z.number(),
  trades: z.number(),
};

export const CandleSchema = z.object({
  exchange: z.string(),
  symbol: z.string(),
  interval: CandleIntervalSchema,
  openTime: z.number(),
  closeTime: z.number(),
  ...OHLCV_FIELDS,
  incomplete: z.boolean().describe('A source disconnect overlapped it: trades may be missing.'),
  revision: z.number(),
  closed: z.boolean(),
  updatedAt: z.number(),
});

export const Stats24hSchema = z
  .object({
    windowStart: z.number(),
    ...OHLCV_FIELDS,
    change: z.number(),
    changePercent: z.number(),
  })
  .nullable();

export const MarketSummarySchema = z.object({
  symbol: z.string(),
  exchanges: z.array(z.string()).describe("Venues with trades or candles of it (the newest trade's first)."),
  configured: z
    .boolean()
    .describe('In market.symbols or named by a configured source (collected by this deployment).'),
  lastPrice: z.number().nullable(),
  lastTradeAt: z.number().nullable(),
  listing: MarketListingSchema,
  session: MarketSessionSchema,
});

export const MarketsResponseSchema = z.object({ markets: z.array(MarketSummarySchema) });

export const MarketResponseSchema = z.object({ market: MarketSummarySchema });

export const CandlesResponseSchema = z.object({
  symbol: z.string(),
  interval: CandleIntervalSchema,
  candles: z.array(CandleSchema),
  adjust: z
    .enum(['none', 'split', 'total'])
    .optional()
    .describe('How the prices were adjusted for corporate actions (absent: raw).'),
  asOf: z.number().optional().describe('The data version the history was read as of (absent: current).'),
});

export const TradesResponseSchema = z.object({ symbol: z.string(), trades: z.array(TradeSchema) });

export const TickerResponseSchema = z.object({
  symbol: z.string(),
  last: TradeSchema.nullable().describe('Null until a trade was seen by this process.'),
  stats24h: Stats24hSchema,
});

export const SourcesResponseSchema = z.object({
  sources: z.array(
    z.object({
      name: z.string(),
      exchange: z.string(),
      state: SourceStateSchema,
      since: z.number(),
      detail: z.string().optional(),
      symbols: z.array(z.string()).optional(),
      trades: z.number().optional(),
      rejected: z.number().optional(),
      lastTradeAt: z.number().nullable().optional(),
      tradesPerSecond: z.number().optional(),
    }),
  ),
});

export const IndicatorResponseSchema = z.object({
  symbol: z.string(),
  name: z.enum(INDICATOR_NAMES),
  interval: CandleIntervalSchema,
  params: z.record(z.string(), z.number()),
  points: z.array(
    z
      .object({ time: z.number().describe('Candle open time (epoch ms).') })
      .catchall(z.number().nullable())
      .describe(
        '`value`, or the indicator’s named lines (macd/signal/histogram, upper/middle/lower, k/d); null in the warm-up.',
      ),
  ),
});

export const JobRunSchema = z.object({
  job: z.string(),
  trigger: z.string(),
  status: z.string(),
  startedAt: z.number(),
  finishedAt: z.number().optional(),
  durationMs: z.number().optional(),
  error: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const JobsResponseSchema = z.object({
  jobs: z.array(
    z.object({
      name: z.string(),
      schedule: z.string(),
      nextRunAt: z.number().nullable(),
      running: z.boolean(),
      lastRun: JobRunSchema.optional(),
      lastSuccessAt: z.number().optional(),
      runs: z.number(),
      failures: z.number(),
      skipped: z.number(),
      history: z.array(JobRunSchema),
    }),
  ),
});

export const JobRunResponseSchema = z.object({ run: JobRunSchema });

export const QuarantineResponseSchema = z.object({
  entries: z.array(
    z.object({
      id: z.number(),
      receivedAt: z.number(),
      source: z.string(),
      exchange: z.string().optional(),
      symbol: z.string().optional(),
      reason: z.string(),
      detail: z.string().optional(),
      payload: z.unknown().optional(),
    }),
  ),
});

/** The data of a `market.ticker` message on `market:{symbol}:ticker`. */
export const TickerMessageSchema = z.object({
  symbol: z.string(),
  last: z.number(),
  lastSize: z.number(),
  lastSide: TradeSideSchema,
  lastTradeAt: z.number(),
  stats24h: Stats24hSchema,
  /** The whole last trade (a gateway in scaled mode answers its ticker route with it). */
  lastTrade: TradeSchema.optional(),
});

/** The data of a `market.sources` message on `market:sources`: every source's last status. */
export const SourcesMessageSchema = SourcesResponseSchema;

export type Trade = z.infer<typeof TradeSchema>;
export type Candle = z.infer<typeof CandleSchema>;
export type Stats24h = z.infer<typeof Stats24hSchema>;
export type MarketsResponse = z.infer<typeof MarketsResponseSchema>;
export type MarketSummary = MarketsResponse['markets'][number];
export type CandlesResponse = z.infer<typeof CandlesResponseSchema>;
export type TradesResponse = z.infer<typeof TradesResponseSchema>;
export type TickerResponse = z.infer<typeof TickerResponseSchema>;
export type SourcesResponse = z.infer<typeof SourcesResponseSchema>;
export type SourceStatus = SourcesResponse['sources'][number];
export type IndicatorResponse = z.infer<typeof IndicatorResponseSchema>;
export type JobRun = z.infer<typeof JobRunSchema>;
export type JobsResponse = z.infer<typeof JobsResponseSchema>;
export type QuarantineResponse = z.infer<typeof QuarantineResponseSchema>;
export type TickerMessage = z.infer<typeof TickerMessageSchema>;
export type SourcesMessage = z.infer<typeof SourcesMessageSchema>;
