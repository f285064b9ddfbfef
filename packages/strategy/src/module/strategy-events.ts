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
  HistoryDownloadEventSchema,
  ResearchCompletedEventSchema,
  ResearchProgressEventSchema,
  type BacktestCompletedEvent,
  type BacktestProgressEvent,
  type HistoryDownloadEvent,
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

/** A history download fetched or skipped a day (its counters after it). */
export const HistoryDownloadProgress = defineEvent<HistoryDownloadEvent>({
  type: EventType.HistoryDownloadProgress,
  description: 'A history download fetched or skipped a UTC day; delivered to its owner on `user:{id}`.',
  schema: HistoryDownloadEventSchema,
});

/** A history download finished: complete, or failed with the code (it resumes when asked again). */
export const HistoryDownloadCompleted = defineEvent<HistoryDownloadEvent>({
  type: EventType.HistoryDownloadCompleted,
  description: 'A history download finished (complete or failed); delivered to its owner on `user:{id}`.',
  schema: HistoryDownloadEventSchema,
});

/** Every event the strategy module defines, for the process registry (live runs' are trading's). */
export const STRATEGY_EVENTS = [
  BacktestProgress,
  BacktestCompleted,
  ResearchProgress,
  ResearchCompleted,
  HistoryDownloadProgress,
  HistoryDownloadCompleted,
] as const;
