/** @module Messages between a {@link createWorkerPublisher} and its worker thread. */
import type { ServiceHealth } from '@tickline/kernel';
import type { EmbeddedEventLogOptions } from '../../embedded/options.ts';
import type { NatsEventLogOptions } from '../../nats/options.ts';
import type { PublisherStats } from '../publisher.ts';
import type { JournalRecovery } from '../spill-journal.ts';

/**
 * The log the worker opens and appends to. Options cross a thread, so they are plain data: no
 * metrics registry, logger or clock (the worker logs through the publishing thread's logger).
 * `module` opens a log with a module's `openLog(options)` export (tests, other engines).
 */
export type WorkerLogSpec =
  | { engine: 'embedded'; options: Omit<EmbeddedEventLogOptions, 'metrics' | 'logger' | 'now'> }
  | { engine: 'nats'; options: Omit<NatsEventLogOptions, 'metrics' | 'logger'> }
  | { engine: 'module'; url: string; options?: unknown };

/** `workerData` of the publisher worker. */
export interface PublisherWorkerData {
  log: WorkerLogSpec;
  publisher: {
    name: string;
    spillDir: string;
    maxQueuedEvents?: number;
    maxBatch?: number;
    retry?: { initialDelayMs?: number; maxDelayMs?: number };
    stopDrainTimeoutMs?: number;
  };
  /** URLs of codec modules (each exports `packedCodecs`). */
  codecs: readonly string[];
  /** How often the worker reports its counters while they change. */
  reportIntervalMs: number;
}

/** The worker's counters: the publisher's, plus the entries it has taken from batches. */
export interface WorkerReport {
  stats: PublisherStats;
  /** Entries read from batches so far (each became one publish or one rejection). */
  received: number;
  health: ServiceHealth;
}

export type ToWorker =
  | { type: 'batch'; buffer: ArrayBuffer; bytes: number; count: number }
  | { type: 'flush'; id: number; timeoutMs: number }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready'; recovery: JournalRecovery; report: WorkerReport }
  | { type: 'start-failed'; error: string }
  | { type: 'fatal'; error: string }
  | { type: 'free'; buffer: ArrayBuffer; report: WorkerReport }
  | { type: 'report'; report: WorkerReport }
  | { type: 'flushed'; id: number; drained: boolean; report: WorkerReport }
  | {
      type: 'log';
      level: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
      bindings: Record<string, unknown>;
      fields: Record<string, unknown>;
      message: string | undefined;
    }
  | { type: 'stopped'; report: WorkerReport };
