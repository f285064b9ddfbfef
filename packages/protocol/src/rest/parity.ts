/** @module The parity report of a live run: its decisions beside its backtest replay's. */
import { z } from 'zod';
import { ParityDecisionSchema } from './live.ts';

export { ParityDecisionSchema };

export const ParityFieldSchema = z.enum(['candle', 'symbol', 'side', 'type', 'quantity', 'price', 'missing']);

export const ParityReportSchema = z.object({
  runId: z.string(),
  strategyId: z.string(),
  /** The version replayed (the run's unless another was asked for). */
  version: z.number(),
  identical: z.boolean(),
  liveDecisions: z.number(),
  replayDecisions: z.number(),
  /** Index in `rows` of the first decision that differs. */
  firstDivergence: z.number().optional(),
  /** "identical, N decisions", or where the two first part. */
  summary: z.string(),
  window: z.object({
    fromMs: z.number(),
    toMs: z.number(),
    candles: z.number(),
    warmupCandles: z.number(),
    /** Candles that closed while the run was paused: the replay decides nothing on them either. */
    pausedCandles: z.number(),
  }),
  rows: z.array(
    z.object({
      index: z.number(),
      live: ParityDecisionSchema.optional(),
      replay: ParityDecisionSchema.optional(),
      differs: z.array(ParityFieldSchema),
    }),
  ),
});

export const ParityReportResponseSchema = z.object({ parity: ParityReportSchema });

/** Replays another version of the strategy against the run's decisions (what would it have done?). */
export const ParityQuerySchema = z.object({ version: z.coerce.number().int().positive().optional() });

export type ParityReportView = z.infer<typeof ParityReportSchema>;
