/**
 * @module @tickline/eventlog — the EventLog port, its adapters, the publisher with its outage
 * buffer, and the consumer runner.
 */
export { createInMemoryEventLog, InMemoryEventLog } from './memory/memory-event-log.ts';
export { createEmbeddedEventLog } from './embedded/embedded-event-log.ts';
export { FsyncPolicy } from './embedded/options.ts';
export { createNatsEventLog, NatsEventLog } from './nats/nats-event-log.ts';
export { hasKeyInterest } from './port/key-interest.ts';
export { listNatsStreams } from './nats/stream-names.ts';
export { partitionIndex, fnv1a32 } from './partition/partition-index.ts';
export { createPartitionedPublisher } from './partition/partitioned-publisher.ts';
export { partitionedLog } from './partition/partitioned-log.ts';
export { createPartitionedLogSet } from './partition/partitioned-log-set.ts';
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
  createWorkerPublisher,
  DEFAULT_WORKER_REPORT_INTERVAL_MS,
} from './publisher/worker/worker-publisher.ts';
export { BatchBuffer, FIRST_CODEC_TAG } from './publisher/worker/packed-batch.ts';
export {
  DEFAULT_MAX_QUEUED_EVENTS,
  DEFAULT_MAX_BATCH,
  DEFAULT_RETRY_INITIAL_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  DEFAULT_STOP_DRAIN_TIMEOUT_MS,
} from './publisher/publisher-options.ts';
export { createConsumerRunner } from './consumer/consumer-runner.ts';
export { createConsumerFactory } from './consumer/consumer-factory.ts';
export { onlyTypes } from './consumer/only-types.ts';
export {
  isRetryableHandlerError,
  DEFAULT_CONSUMER_BATCH_SIZE,
  DEFAULT_CONSUMER_WAIT_MS,
  DEFAULT_HANDLER_MAX_ATTEMPTS,
} from './consumer/consumer-options.ts';
export {
  createMemoryDedupeStore,
  DEFAULT_DEDUPE_CAPACITY,
  DEFAULT_DEDUPE_WINDOW_MS,
} from './consumer/dedupe-store.ts';
export {
  DEAD_LETTER_TYPE,
  DEAD_LETTER_VERSION,
  encodeDeadLetter,
  decodeDeadLetter,
} from './consumer/dead-letter.ts';
export { listDeadLetters, readDeadLetter, retryDeadLetter } from './consumer/dead-letters.ts';

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
export type {
  KeyInterest,
  KeyWatch,
  KeyHistory,
  KeyHistoryOptions,
  InterestLog,
} from './port/key-interest.ts';
export type { EventLogErrorCode } from './port/errors.ts';
export type { PartitionedLog } from './partition/partitioned-log.ts';
export type { PartitionedLogSet, PartitionedLogSetOptions } from './partition/partitioned-log-set.ts';
export type { InMemoryEventLogOptions } from './memory/memory-event-log.ts';
export type { EmbeddedEventLog, EmbeddedLogStats } from './embedded/embedded-event-log.ts';
export type { EmbeddedEventLogOptions } from './embedded/options.ts';
export type { RecoveryReport } from './embedded/recovery.ts';
export type { RetentionResult } from './embedded/retention.ts';
export type { NatsEventLogOptions } from './nats/options.ts';
export type { Publisher, PublisherStats } from './publisher/publisher.ts';
export type { PublisherOptions } from './publisher/publisher-options.ts';
export type { WorkerPublisher, WorkerPublisherOptions } from './publisher/worker/worker-publisher.ts';
export type { WorkerLogSpec } from './publisher/worker/worker-protocol.ts';
export type { PackedLane, PackedCodecReader, PackedCodecModule } from './publisher/worker/packed-codec.ts';
export type { JournalRecovery } from './publisher/spill-journal.ts';
export type { ConsumerRunner, ConsumerRunnerStats } from './consumer/consumer-runner.ts';
export type {
  ConsumerFactory,
  ConsumerFactoryOptions,
  ConsumerServiceOptions,
} from './consumer/consumer-factory.ts';
export type { ConsumerRunnerOptions, EventHandler, HandlerContext } from './consumer/consumer-options.ts';
export type { DedupeStore, MemoryDedupeStoreOptions } from './consumer/dedupe-store.ts';
export type { DeadLetter, DeadLetterError } from './consumer/dead-letter.ts';
export type {
  DeadLetterPage,
  ListDeadLettersOptions,
  RetryDeadLetterOptions,
} from './consumer/dead-letters.ts';
export { DEFAULT_RPC_TIMEOUT_MS, DEFAULT_RPC_GATHER_STALL_MS, RemoteError } from './rpc/request-reply.ts';
export { createInProcessRequestReply } from './rpc/in-process-request-reply.ts';
export { createNatsRequestReply, DEFAULT_RPC_SUBJECT_PREFIX } from './rpc/nats-request-reply.ts';
export { isRpcNoResponderError, isRpcTimeoutError } from './port/errors.ts';
export type {
  RequestReply,
  RequestHandler,
  Responder,
  ServeOptions,
  RequestOptions,
  GatherOptions,
} from './rpc/request-reply.ts';
export type { NatsRequestReplyOptions } from './rpc/nats-request-reply.ts';
