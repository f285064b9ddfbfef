/**
 * @module Events of the backtest queue. Subject and partition key: the owner's user id, so the
 * strategy channel delivery sends them to `user:{id}`, where only that user may subscribe. Their
 * data schemas are the wire contract in `@tickline/protocol`, which the SDK and dashboard read.
 */
import { defineEvent } from '@tickline/kernel';
import {
  BacktestCompletedEventSchema,
  BacktestProgressEventSchema,
  EventType,
  ResearchCompletedEventSchema,
  ResearchProgressEventSchema,
  type BacktestCompletedEvent,
  type BacktestProgressEvent,
  type ResearchCompletedEvent,
  type ResearchProgressEvent,
} from '@tickline/protocol';

export {
  BacktestProgressEventSchema as BacktestProgressDataSchema,
  BacktestCompletedEventSchema as BacktestCompletedDataSchema,
};
export type BacktestProgressData = BacktestProgressEvent;
export type BacktestCompletedData = BacktestCompletedEvent;

/** A running backtest moved on (throttled by strategy.progressIntervalMs). */
export const BacktestProgress = defineEvent<BacktestProgressData>({
  type: EventType.BacktestProgress,
  description: 'A running backtest advanced; delivered to its owner on `user:{id}`.',
  schema: BacktestProgressEventSchema,
});

/** A backtest finished: succeeded (with its headline metrics), failed (with the code) or cancelled. */
export const BacktestCompleted = defineEvent<BacktestCompletedData>({
  type: EventType.BacktestCompleted,
  description: 'A backtest finished (succeeded, failed or cancelled); delivered to its owner on `user:{id}`.',
  schema: BacktestCompletedEventSchema,
});

/** A running research job moved on (throttled by strategy.progressIntervalMs). */
export const ResearchProgress = defineEvent<ResearchProgressEvent>({
  type: EventType.ResearchProgress,
  description: 'A running research job advanced; delivered to its owner on `user:{id}`.',
  schema: ResearchProgressEventSchema,
});

/** A research job finished: succeeded, failed (with the code) or cancelled. */
export const ResearchCompleted = defineEvent<ResearchCompletedEvent>({
  type: EventType.ResearchCompleted,
  description: 'A research job finished (succeeded, failed or cancelled); delivered to its owner on `user:{id}`.',
  schema: ResearchCompletedEventSchema,
});

/** Every event the strategy module defines, for the process registry (live runs' are trading's). */
export const STRATEGY_EVENTS = [BacktestProgress, BacktestCompleted, ResearchProgress, ResearchCompleted] as const;
