/**
 * @module Zod schemas of the market routes: inputs are validated (a bad one is 400
 * HTTP_BAD_REQUEST with the issues) and every schema appears in the OpenAPI document.
 */
import { z } from 'zod';

/** Intervals, as in `CandleInterval`. */
export const INTERVALS = ['1s', '1m', '5m', '15m', '1h', '1d'] as const;
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

const MAX_LIMIT = 5_000;
const MAX_PERIOD = 1_000;

const EpochMs = z.coerce.number().int().nonnegative().describe('Epoch milliseconds.');
const Limit = z.coerce.number().int().min(1).max(MAX_LIMIT);
const Period = z.coerce.number().int().min(1).max(MAX_PERIOD);

export const SymbolParamsSchema = z.object({
  symbol: z
    .string()
    .regex(/^[A-Z0-9]{1,20}-[A-Z0-9]{1,20}$/, 'expected a canonical BASE-QUOTE symbol')
    .describe('Canonical symbol, e.g. BTC-USDT.'),
});

export const JobParamsSchema = z.object({ name: z.string().min(1).max(64) });

const range = {
  from: EpochMs.optional().describe('Inclusive start (epoch ms); without it, the latest rows before `to`.'),
  to: EpochMs.optional().describe('Exclusive end (epoch ms).'),
  limit: Limit.optional().describe(`Rows at most (default 500, at most ${MAX_LIMIT}).`),
  exchange: z.string().min(1).max(32).optional().describe('Only this exchange; default every one.'),
};

function fromBeforeTo(query: { from?: number | undefined; to?: number | undefined }): boolean {
  return query.from === undefined || query.to === undefined || query.from < query.to;
}
const RANGE_ORDER = { message: '`from` must be before `to`', path: ['from'] };

export const CandlesQuerySchema = z
  .strictObject({ interval: z.enum(INTERVALS).default('1m'), ...range })
  .refine(fromBeforeTo, RANGE_ORDER);

export const TradesQuerySchema = z.strictObject(range).refine(fromBeforeTo, RANGE_ORDER);

export const IndicatorQuerySchema = z
  .strictObject({
    name: z.enum(INDICATOR_NAMES),
    interval: z.enum(INTERVALS).default('1m'),
    period: Period.optional().describe('sma, ema, wma: 20; rsi, atr: 14; bollinger: 20; stochastic %K: 14.'),
    fast: Period.optional().describe('macd fast EMA (12).'),
    slow: Period.optional().describe('macd slow EMA (26).'),
    signal: Period.optional().describe('macd signal EMA (9); stochastic %D (3).'),
    stddev: z.coerce.number().positive().max(10).optional().describe('bollinger band width in σ (2).'),
    ...range,
  })
  .refine(fromBeforeTo, RANGE_ORDER);

export const QuarantineQuerySchema = z.strictObject({
  reason: z.string().min(1).max(64).optional(),
  source: z.string().min(1).max(64).optional(),
  from: EpochMs.optional(),
  limit: Limit.optional(),
});

const TradeSchema = z.object({
  exchange: z.string(),
  symbol: z.string(),
  tradeId: z.string(),
  price: z.number(),
  size: z.number(),
  side: z.enum(['buy', 'sell', 'unknown']),
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

const CandleSchema = z.object({
  exchange: z.string(),
  symbol: z.string(),
  interval: z.enum(INTERVALS),
  openTime: z.number(),
  closeTime: z.number(),
  ...OHLCV_FIELDS,
  incomplete: z.boolean().describe('A source disconnect overlapped it: trades may be missing.'),
  revision: z.number(),
  closed: z.boolean(),
  updatedAt: z.number(),
});

const StatsSchema = z
  .object({
    windowStart: z.number(),
    ...OHLCV_FIELDS,
    change: z.number(),
    changePercent: z.number(),
  })
  .nullable();

export const MarketsResponseSchema = z.object({
  markets: z.array(
    z.object({
      symbol: z.string(),
      exchanges: z.array(z.string()),
      configured: z.boolean().describe('In market.symbols (collected by this deployment).'),
      lastPrice: z.number().nullable(),
      lastTradeAt: z.number().nullable(),
    }),
  ),
});

export const CandlesResponseSchema = z.object({
  symbol: z.string(),
  interval: z.enum(INTERVALS),
  candles: z.array(CandleSchema),
});

export const TradesResponseSchema = z.object({ symbol: z.string(), trades: z.array(TradeSchema) });

export const TickerResponseSchema = z.object({
  symbol: z.string(),
  last: TradeSchema.nullable().describe('Null until a trade was seen by this process.'),
  stats24h: StatsSchema,
});

export const SourcesResponseSchema = z.object({
  sources: z.array(
    z.object({
      name: z.string(),
      exchange: z.string(),
      state: z.enum(['connecting', 'live', 'stale', 'backing_off', 'failed']),
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
  interval: z.enum(INTERVALS),
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

const JobRunSchema = z.object({
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
