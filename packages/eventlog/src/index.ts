/**
 * @module @tickline/eventlog — the EventLog port, its adapters, the publisher with its outage
 * buffer, and the consumer runner.
 */
export { createInMemoryEventLog, InMemoryEventLog } from './memory/memory-event-log.ts';
export {
  EventLogErrorCodes,
  EventLogError,
  isEventLogClosedError,
  isEventLogUnavailableError,
  isCorruptRecordError,
  isEventLogLockedError,
  isConsumerBusyError,
  isInvalidArgumentError,
} from './port/errors.ts';

export type {
  Offset,
  AppendRecord,
  AppendResult,
  LogRecord,
  StartPosition,
  ConsumerOptions,
  FetchOptions,
  LogConsumer,
  ConsumerInfo,
  LogHead,
  ReadOptions,
  LogHealth,
  EventLog,
} from './port/event-log.ts';
export type { EventLogErrorCode } from './port/errors.ts';
export type { InMemoryEventLogOptions } from './memory/memory-event-log.ts';
