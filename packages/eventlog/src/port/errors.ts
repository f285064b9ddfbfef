/** @module Errors raised by event log adapters, the publisher and the consumer runner. */
import { defineErrorCodes, errorGuard, TicklineError, type TicklineErrorOptions } from '@tickline/kernel';

export const EventLogErrorCodes = defineErrorCodes({
  EVLOG_CLOSED: {
    meaning: 'The event log (or consumer) was used after close().',
    resolve: 'A shutdown is in progress; the caller should stop too.',
    httpStatus: 503,
  },
  EVLOG_UNAVAILABLE: {
    meaning: 'The event log could not be reached (server down, not connected, timed out).',
    resolve: 'Transient: the publisher buffers and retries with the same ids; check the log server.',
    httpStatus: 503,
  },
  EVLOG_CORRUPT_RECORD: {
    meaning: 'A stored record failed its checksum or framing check.',
    resolve:
      'At the tail it is truncated on open; elsewhere the record is skipped and counted. Restore from a replica if it matters.',
    httpStatus: 500,
  },
  EVLOG_LOCKED: {
    meaning: 'Another process holds the embedded log directory.',
    resolve: 'Stop the other process, or open the log read-only (tickline log … commands do).',
    httpStatus: 500,
  },
  EVLOG_CONSUMER_BUSY: {
    meaning: 'The durable consumer is already open in this process.',
    resolve: 'Close the other holder first; one holder per consumer name.',
    httpStatus: 409,
  },
  EVLOG_INVALID_ARGUMENT: {
    meaning: 'An argument to the event log is out of range (negative offset, empty id, oversized record).',
    resolve: 'Fix the caller; the details name the argument.',
    httpStatus: 400,
  },
  EVLOG_READ_ONLY: {
    meaning: 'The log was opened read-only and cannot take appends.',
    resolve: 'Open it writable from the process that owns it.',
    httpStatus: 500,
  },
  EVLOG_HANDLER_FAILED: {
    meaning:
      'A consumer handler failed on an event after every retry; the event went to the dead-letter log.',
    resolve: 'Inspect the dead letter (the error is attached), fix the handler, and retry it.',
    httpStatus: 500,
  },
  EVLOG_RPC_NO_RESPONDER: {
    meaning:
      'No process answered a request for state another role owns (no process of that role runs, or none owns the zone).',
    resolve:
      'Start a process of the role named in the message (`tickline start --role …`), or check that it reaches the same NATS cluster.',
    httpStatus: 503,
  },
  EVLOG_RPC_TIMEOUT: {
    meaning: 'A process of the owning role was asked and did not answer in time.',
    resolve: 'The owning process is overloaded or stuck; look at its health and logs, then retry.',
    httpStatus: 503,
  },
});

export type EventLogErrorCode = keyof typeof EventLogErrorCodes;

export class EventLogError extends TicklineError {
  override name = 'EventLogError';
  constructor(code: EventLogErrorCode, message: string, options?: TicklineErrorOptions) {
    super(code, message, options);
  }
}

export const isEventLogClosedError = errorGuard('EVLOG_CLOSED');
export const isEventLogUnavailableError = errorGuard('EVLOG_UNAVAILABLE');
export const isCorruptRecordError = errorGuard('EVLOG_CORRUPT_RECORD');
export const isEventLogLockedError = errorGuard('EVLOG_LOCKED');
export const isConsumerBusyError = errorGuard('EVLOG_CONSUMER_BUSY');
export const isInvalidArgumentError = errorGuard('EVLOG_INVALID_ARGUMENT');
export const isRpcNoResponderError = errorGuard('EVLOG_RPC_NO_RESPONDER');
export const isRpcTimeoutError = errorGuard('EVLOG_RPC_TIMEOUT');
