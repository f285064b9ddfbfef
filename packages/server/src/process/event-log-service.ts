/** @module An event log as a service: opened on start, closed on stop, healthy while connected. */
import type { EventLog } from '@tickline/eventlog';
import {
  ServiceStatus,
  TicklineError,
  type Service,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';

/** A service owning one event log. */
export interface EventLogService extends Service {
  /** The open log. @throws before start and after stop. */
  readonly log: EventLog;
}

/** Wraps `open` (which creates and opens the log) as a service named `name`. */
export function createEventLogService(
  name: string,
  open: (context: ServiceContext) => Promise<EventLog>,
): EventLogService {
  let log: EventLog | undefined;
  let stopped = false;
  return {
    name,
    get log(): EventLog {
      if (log === undefined) {
        throw new TicklineError('KERNEL_SERVICE_FAILED', `event log "${name}" is not open`, {
          details: { service: name },
        });
      }
      return log;
    },
    async start(context) {
      log = await open(context);
    },
    async stop() {
      stopped = true;
      const closing = log;
      log = undefined;
      await closing?.close();
    },
    health(): ServiceHealth {
      if (log === undefined) return { status: stopped ? ServiceStatus.Stopped : ServiceStatus.Starting };
      const health = log.health();
      // Disconnected is degraded, not down: the publisher buffers and the process keeps serving.
      return health.connected
        ? { status: ServiceStatus.Up }
        : { status: ServiceStatus.Degraded, detail: health.detail ?? 'event log disconnected' };
    },
  };
}
