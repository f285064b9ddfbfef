/**
 * @module Events of the backtest queue. Subject and partition key: the owner's user id, so the
 * strategy channel delivery sends them to `user:{id}`, where only that user may subscribe.
 */
import { defineEvent } from '@tickline/kernel';
import { z } from 'zod';
import { LIVE_EVENTS } from '../live/live-events.ts';
import { RunnerHeartbeat } from '../live/membership.ts';

const RunRef = {
  backtestId: z.uuid(),
  strategyId: z.uuid(),
  version: z.number().int().min(1),
};

export const BacktestProgressDataSchema = z.object({
  ...RunRef,
  /** Fraction done, 0–1. */
  progress: z.number().min(0).max(1),
  barsDone: z.number().int().nonnegative(),
  barsTotal: z.number().int().nonnegative(),
});
export type BacktestProgressData = z.infer<typeof BacktestProgressDataSchema>;

export const BacktestCompletedDataSchema = z.object({
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
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  finishedAt: z.iso.datetime(),
});
export type BacktestCompletedData = z.infer<typeof BacktestCompletedDataSchema>;

/** A running backtest moved on (throttled by strategy.progressIntervalMs). */
export const BacktestProgress = defineEvent<BacktestProgressData>({
  type: 'backtest.progress',
  description: 'A running backtest advanced; delivered to its owner on `user:{id}`.',
  schema: BacktestProgressDataSchema,
});

/** A backtest finished: succeeded (with its headline metrics), failed (with the code) or cancelled. */
export const BacktestCompleted = defineEvent<BacktestCompletedData>({
  type: 'backtest.completed',
  description: 'A backtest finished (succeeded, failed or cancelled); delivered to its owner on `user:{id}`.',
  schema: BacktestCompletedDataSchema,
});

/** Every event the strategy module defines (order events apart: `OrderEvents`), for the process registry. */
export const STRATEGY_EVENTS = [
  BacktestProgress,
  BacktestCompleted,
  ...LIVE_EVENTS,
  RunnerHeartbeat,
] as const;
