/**
 * @module The backtest API on the wire (`/api/v1/backtests`): runs, their metrics, trades and
 * curves, and the progress and completion events their owner receives on `user:{id}`. Dates are
 * ISO 8601 strings; times inside results are epoch milliseconds. Inputs are plain shapes: the
 * backtest routes validate them.
 */
import { z } from 'zod';
import type { CandleInterval } from '../sets/candle-interval.ts';
import { AdjustModeSchema, DataVersionSchema } from './market-versions.ts';

export const BacktestStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type BacktestStatus = z.infer<typeof BacktestStatusSchema>;

const SlippageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('bps'), bps: z.number() }),
  z.object({ kind: z.literal('range'), fraction: z.number() }),
]);

export const BacktestSettingsSchema = z.object({
  startingCapital: z.number().optional(),
  makerFee: z.number().optional(),
  takerFee: z.number().optional(),
  slippage: SlippageSchema.optional(),
  maxLeverage: z.number().optional(),
  allowShort: z.boolean().optional(),
  closeAtEnd: z.boolean().optional(),
  seed: z.number().int().optional(),
});
/** Engine settings of a run as asked for (absent: the defaults). */
export type BacktestSettings = z.infer<typeof BacktestSettingsSchema>;

const RunErrorSchema = z.object({ code: z.string(), message: z.string() });

export const BacktestSchema = z.object({
  id: z.uuid(),
  strategyId: z.uuid(),
  version: z.number().int(),
  status: BacktestStatusSchema,
  progress: z.number().describe('Fraction done, 0–1.'),
  symbol: z.string(),
  interval: z.string(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  exchange: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  settings: BacktestSettingsSchema,
  error: RunErrorSchema.nullable(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  adjust: AdjustModeSchema.optional().describe('How the candles were adjusted for corporate actions.'),
  dataVersion: z
    .number()
    .nullable()
    .optional()
    .describe('The data version its candles are read as of (null: run before data versions).'),
  rerunOf: z.uuid().nullable().optional().describe('The run this one re-runs.'),
});
/** One backtest run. */
export type Backtest = z.infer<typeof BacktestSchema>;

const PeriodReturnsSchema = z.array(z.object({ start: z.number(), return: z.number() }));

export const BacktestMetricsSchema = z.object({
  startingCapital: z.number(),
  finalEquity: z.number(),
  totalReturn: z.number(),
  /** Null for a run spanning less than 30 days, `cagrNote` says why. */
  cagr: z.number().nullable(),
  cagrNote: z.string().optional(),
  volatility: z.number().nullable(),
  sharpe: z.number().nullable(),
  sortino: z.number().nullable(),
  calmar: z.number().nullable(),
  drawdown: z.object({
    maxDrawdown: z.number(),
    peakTime: z.number().nullable(),
    troughTime: z.number().nullable(),
    recoveryTime: z.number().nullable(),
    longestDrawdownMs: z.number(),
  }),
  trades: z.number().int(),
  winRate: z.number(),
  profitFactor: z.number().nullable(),
  expectancy: z.number(),
  avgWin: z.number(),
  avgLoss: z.number(),
  exposure: z.number(),
  feesPaid: z.number(),
  periodReturns: z.object({
    day: PeriodReturnsSchema,
    week: PeriodReturnsSchema,
    month: PeriodReturnsSchema,
  }),
});
/** The performance figures of a succeeded run. */
export type BacktestMetrics = z.infer<typeof BacktestMetricsSchema>;

export const BacktestTradeSchema = z.object({
  symbol: z.string(),
  direction: z.enum(['long', 'short']),
  entryTime: z.number(),
  exitTime: z.number(),
  entryPrice: z.number(),
  exitPrice: z.number(),
  qty: z.number(),
  pnl: z.number(),
  fees: z.number(),
  returnPct: z.number(),
  entryReason: z.string(),
  exitReason: z.string(),
  bars: z.number().int(),
});
/** A closed round trip of a run. */
export type BacktestTrade = z.infer<typeof BacktestTradeSchema>;

/** `POST /backtests`, `POST /backtests/{id}/cancel`. */
export const BacktestResponseSchema = z.object({ backtest: BacktestSchema });
/** `GET /backtests`. */
export const BacktestListSchema = z.object({ backtests: z.array(BacktestSchema) });
/** What a run read, pinned: `tickline backtest rerun` reads it again. */
export const BacktestDataSchema = z.object({
  dataVersion: z.number(),
  adjust: AdjustModeSchema,
  feeds: z.array(
    z.object({
      symbol: z.string(),
      interval: z.string(),
      exchange: z.string().nullable(),
      from: z.number(),
      to: z.number(),
      bars: z.number().int(),
      contentHash: z.string().describe('SHA-256 of the candle columns read (base64url).'),
    }),
  ),
  strategy: z.object({ id: z.uuid(), version: z.number().int(), sourceSha256: z.string() }),
});
export type BacktestData = z.infer<typeof BacktestDataSchema>;

/** `GET /backtests/{id}`: the run, and its result once it succeeded. */
export const BacktestDetailSchema = z.object({
  backtest: BacktestSchema,
  data: BacktestDataSchema.nullable().optional().describe('What the run read (null until it succeeded, or for runs before data versions).'),
  changedSince: z
    .array(DataVersionSchema)
    .optional()
    .describe('Data versions after the pinned one that changed its candles: a re-run still reads the pinned data, a new run reads these.'),
  reproduces: z
    .object({ backtestId: z.uuid(), sameData: z.boolean(), sameFigures: z.boolean() })
    .nullable()
    .optional()
    .describe('For a re-run: whether it read the same candles and came to the same figures as the first run.'),
  result: z
    .object({
      metrics: BacktestMetricsSchema,
      bars: z.number().int(),
      tradesTruncated: z.boolean(),
      logs: z.array(z.object({ time: z.number(), text: z.string() })),
      plots: z.array(z.object({ name: z.string(), time: z.array(z.number()), value: z.array(z.number()) })),
    })
    .nullable(),
});
export type BacktestDetail = z.infer<typeof BacktestDetailSchema>;
/** `GET /backtests/{id}/trades`. */
export const BacktestTradesSchema = z.object({
  trades: z.array(BacktestTradeSchema),
  truncated: z.boolean(),
});
export type BacktestTrades = z.infer<typeof BacktestTradesSchema>;
const PointsSchema = z.array(z.tuple([z.number(), z.number()]));
/** `GET /backtests/{id}/equity`: `[time ms, value]` points, drawdown as a negative fraction. */
export const BacktestCurvesSchema = z.object({ equity: PointsSchema, drawdown: PointsSchema });
export type BacktestCurves = z.infer<typeof BacktestCurvesSchema>;

const RunRef = {
  backtestId: z.uuid(),
  strategyId: z.uuid(),
  version: z.number().int().min(1),
};

export const BacktestProgressEventSchema = z.object({
  ...RunRef,
  /** Fraction done, 0–1. */
  progress: z.number().min(0).max(1),
  barsDone: z.number().int().nonnegative(),
  barsTotal: z.number().int().nonnegative(),
});
/** The data of `backtest.progress` on `user:{id}`. */
export type BacktestProgressEvent = z.infer<typeof BacktestProgressEventSchema>;

export const BacktestCompletedEventSchema = z.object({
  ...RunRef,
  status: z.enum(['succeeded', 'failed', 'cancelled']),
  /** Headline metrics of a succeeded run. */
  summary: z
    .object({
      totalReturn: z.number(),
      maxDrawdown: z.number(),
      sharpe: z.number().nullable(),
      trades: z.number().int(),
      finalEquity: z.number(),
    })
    .nullable(),
  error: RunErrorSchema.nullable(),
  finishedAt: z.iso.datetime(),
});
/** The data of `backtest.completed` on `user:{id}`. */
export type BacktestCompletedEvent = z.infer<typeof BacktestCompletedEventSchema>;

/** `POST /backtests`. */
export interface RunBacktestInput {
  strategyId: string;
  /** Default: the latest version. */
  version?: number;
  symbol: string;
  interval: CandleInterval;
  /** ISO date-time or epoch ms. */
  from: string | number;
  to: string | number;
  exchange?: string;
  /** More feeds the strategy reads beside `symbol`/`interval` (which stays the first), as a live run takes them. */
  feeds?: Array<{ symbol: string; interval: CandleInterval; exchange?: string }>;
  params?: Record<string, number | boolean | string>;
  settings?: BacktestSettings;
  sandbox?: { memoryMb?: number; cpuMs?: number };
}
