/**
 * @module Zod schemas of the market routes: inputs are validated here (a bad one is 400
 * HTTP_BAD_REQUEST with the issues); the responses are the wire contract in @tickline/protocol,
 * which the SDK and the dashboard read too. Every schema appears in the OpenAPI document.
 */
import { ADJUST_MODES, CANDLE_INTERVALS, INDICATOR_NAMES, SymbolSchema } from '@tickline/protocol';
import { z } from 'zod';

export {
  INDICATOR_NAMES,
  MarketsResponseSchema,
  MarketResponseSchema,
  CandlesResponseSchema,
  TradesResponseSchema,
  TickerResponseSchema,
  SourcesResponseSchema,
  IndicatorResponseSchema,
  JobsResponseSchema,
  JobRunResponseSchema,
  MarketArchiveResponseSchema,
  QuarantineResponseSchema,
  DataVersionsResponseSchema,
  CorporateActionsResponseSchema,
  CorporateActionsStoredSchema,
} from '@tickline/protocol';
export type { IndicatorName } from '@tickline/protocol';

const MAX_LIMIT = 5_000;
const MAX_PERIOD = 1_000;

const EpochMs = z.coerce.number().int().nonnegative().describe('Epoch milliseconds.');
const Limit = z.coerce.number().int().min(1).max(MAX_LIMIT);
const Period = z.coerce.number().int().min(1).max(MAX_PERIOD);

export const SymbolParamsSchema = z.object({
  symbol: SymbolSchema.describe('Canonical symbol, e.g. BTC-USDT or AAPL.US.'),
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

/** How prices are adjusted for corporate actions (corporate-actions/adjust.ts). */
const Adjust = z
  .enum(ADJUST_MODES)
  .default('none')
  .describe('none: raw; split: back-adjusted for splits; total: for splits and cash dividends.');

/** Reading the history as it stood: by data version or by time (one of them). */
const asOf = {
  asOf: z.coerce
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe('Read the imported history as it stood after this data version (GET …/versions).'),
  asOfTime: EpochMs.optional().describe('Read the imported history as it stood at this time (epoch ms).'),
};
const ONE_AS_OF = { message: 'give `asOf` or `asOfTime`, not both', path: ['asOf'] };

export const CandlesQuerySchema = z
  .strictObject({
    interval: z.enum(CANDLE_INTERVALS).default('1m'),
    ...range,
    adjust: Adjust,
    ...asOf,
  })
  .refine(fromBeforeTo, RANGE_ORDER)
  .refine((q) => q.asOf === undefined || q.asOfTime === undefined, ONE_AS_OF);

export const VersionsQuerySchema = z
  .strictObject({
    interval: z.enum(CANDLE_INTERVALS).optional().describe('Only versions that touched this interval.'),
    from: EpochMs.optional().describe('Only versions that changed candles opening at or after this time.'),
    to: EpochMs.optional().describe('… and before this time.'),
    limit: z.coerce.number().int().min(1).max(1_000).optional().describe('Newest first; default 100.'),
  })
  .refine(fromBeforeTo, RANGE_ORDER);

export const ActionsQuerySchema = z
  .strictObject({ ...asOf })
  .refine((q) => q.asOf === undefined || q.asOfTime === undefined, ONE_AS_OF);

const ExDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'a real date',
  );

export const CorporateActionsFetchBodySchema = z
  .strictObject({
    start: ExDate.describe('First ex date asked for (YYYY-MM-DD).'),
    end: ExDate.describe('Last ex date asked for (YYYY-MM-DD).'),
  })
  .refine((b) => b.start <= b.end, { message: '`start` must not be after `end`', path: ['start'] });

export const CorporateActionsBodySchema = z.strictObject({
  source: z.string().min(1).max(64).default('import').describe('Where the actions come from.'),
  actions: z
    .array(
      z.discriminatedUnion('kind', [
        z.strictObject({
          kind: z.literal('split'),
          exDate: ExDate,
          ratio: z
            .number()
            .positive()
            .max(10_000)
            .describe('Shares after per share before (0.1 for 1-for-10).'),
        }),
        z.strictObject({
          kind: z.literal('dividend'),
          exDate: ExDate,
          amount: z.number().positive().max(1e9).describe("Cash per share, in the symbol's currency."),
        }),
      ]),
    )
    .min(1)
    .max(1_000),
});

export const TradesQuerySchema = z.strictObject(range).refine(fromBeforeTo, RANGE_ORDER);

export const IndicatorQuerySchema = z
  .strictObject({
    name: z.enum(INDICATOR_NAMES),
    interval: z.enum(CANDLE_INTERVALS).default('1m'),
    period: Period.optional().describe('sma, ema, wma: 20; rsi, atr: 14; bollinger: 20; stochastic %K: 14.'),
    fast: Period.optional().describe('macd fast EMA (12).'),
    slow: Period.optional().describe('macd slow EMA (26).'),
    signal: Period.optional().describe('macd signal EMA (9); stochastic %D (3).'),
    stddev: z.coerce.number().positive().max(10).optional().describe('bollinger band width in σ (2).'),
    ...range,
    adjust: Adjust,
  })
  .refine(fromBeforeTo, RANGE_ORDER);

export const QuarantineQuerySchema = z.strictObject({
  reason: z.string().min(1).max(64).optional(),
  source: z.string().min(1).max(64).optional(),
  from: EpochMs.optional(),
  limit: Limit.optional(),
});

export const ArchiveQuerySchema = z.strictObject({
  symbol: z.string().min(1).max(64).optional(),
  interval: z.string().min(1).max(8).optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000)
    .optional()
    .describe('Files listed at most (default 200); totals count all.'),
});
