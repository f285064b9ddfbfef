/** @module Services: every long-lived component starts, stops and reports its health the same way. */
import type { Logger } from '../logging/logger.ts';

/** Health states, from the component's point of view. */
export const ServiceStatus = {
  Starting: 'starting',
  Up: 'up',
  /** Working, but a dependency is impaired (e.g. the event log is down and events are buffered). */
  Degraded: 'degraded',
  Down: 'down',
  Failed: 'failed',
  Stopping: 'stopping',
  Stopped: 'stopped',
} as const;
export type ServiceStatus = (typeof ServiceStatus)[keyof typeof ServiceStatus];

/** A health report. */
export interface ServiceHealth {
  status: ServiceStatus;
  /** Human-readable detail: why degraded, what failed. */
  detail?: string;
  /** Numbers worth showing on /readyz (queue depth, lag). */
  info?: Record<string, unknown>;
}

/** What a service receives when it starts. */
export interface ServiceContext {
  logger: Logger;
  /** Report a failure in background work; the host logs it and marks the service failed. */
  fail(error: unknown): void;
}

/** A component with a lifecycle. */
export interface Service {
  readonly name: string;
  start(context: ServiceContext): Promise<void>;
  /** Drain and release everything. Must be safe to call after a failed start. */
  stop(): Promise<void>;
  health(): ServiceHealth;
}
