/**
 * @module @tickline/eventlog — the EventLog port, its adapters, the publisher with its outage
 * buffer, and the consumer runner.
 */
export { createInMemoryEventLog, InMemoryEventLog } from './memory/memory-event-log.ts';
export { createNatsEventLog, NatsEventLog } from './nats/nats-event-log.ts';
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
export { createPublisher, DEFAULT_FLUSH_TIMEOUT_MS } from './publisher/publisher.ts';
export {
  DEFAULT_MAX_QUEUED_EVENTS,
  DEFAULT_MAX_BATCH,
  DEFAULT_RETRY_INITIAL_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  DEFAULT_STOP_DRAIN_TIMEOUT_MS,
} from './publisher/publisher-options.ts';

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
export type { NatsEventLogOptions } from './nats/options.ts';
export type { Publisher, PublisherStats } from './publisher/publisher.ts';
export type { PublisherOptions } from './publisher/publisher-options.ts';
export type { JournalRecovery } from './publisher/spill-journal.ts';
