/** @module The strategy package's event types. */
import { defineEvent } from '@tickline/kernel';
import { z } from 'zod';

/** `backtest.completed`: a backtest run finished (succeeded, failed or cancelled). */
export const BacktestCompleted = defineEvent({
  type: 'backtest.completed',
  description:
    "A backtest run finished: its status, the headline metrics or the error code. Subject: the run's user.",
  schema: z.object({
    runId: z.uuid(),
    userId: z.uuid(),
    strategyId: z.uuid(),
    version: z.number().int().positive(),
    status: z.enum(['succeeded', 'failed', 'cancelled']),
    summary: z
      .object({
        totalReturn: z.number(),
        sharpe: z.number().nullable(),
        maxDrawdown: z.number(),
        trades: z.number().int().nonnegative(),
        finalEquity: z.number(),
        bars: z.number().int().nonnegative(),
      })
      .nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    durationMs: z.number().nonnegative(),
  }),
});

export type BacktestCompletedData = z.infer<typeof BacktestCompleted.schema>;

/** Every event type the strategy package produces (for the process registry). */
export const STRATEGY_EVENTS = [BacktestCompleted] as const;
