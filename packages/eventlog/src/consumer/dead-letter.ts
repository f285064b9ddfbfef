/**
 * @module The dead-letter envelope: an event a consumer could not process, with the original
 * record byte for byte and the error that stopped it, stored as a MessagePack map in another
 * log (or stream) so operators can inspect it and retry it once the cause is fixed.
 */
import { Packr } from 'msgpackr';
import { EventMalformedError } from '@tickline/kernel';
import type { AppendRecord, LogRecord } from '../port/event-log.ts';

/** The `type` of every dead-letter record, so tools can recognise them without decoding. */
export const DEAD_LETTER_TYPE = 'eventlog.dead_letter';
/** Layout version stored in each dead letter as `v`. */
export const DEAD_LETTER_VERSION = 1;

/** The error that sent a record to the dead-letter log. */
export interface DeadLetterError {
  /** Stable code: `EVLOG_HANDLER_FAILED`, or a decode code such as `KERNEL_EVENT_MALFORMED`. */
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** One dead letter. */
export interface DeadLetter {
  v: typeof DEAD_LETTER_VERSION;
  /** The record exactly as the consumer received it. */
  record: LogRecord;
  /** Name of the log the record came from. */
  log: string;
  /** The consumer that gave up on it. */
  consumer: string;
  error: DeadLetterError;
  /** Handler attempts made (0 for a decode failure: the handler never saw it). */
  attempts: number;
  /** Milliseconds since the epoch. */
  failedAt: number;
}

// Plain maps and binary as bin, so any MessagePack reader can inspect a dead letter.
const packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true });

export function encodeDeadLetter(letter: DeadLetter): Uint8Array {
  return packr.pack(letter);
}

/**
 * Decodes a dead letter.
 * @throws EventMalformedError when the bytes are not a dead letter of a known version.
 */
export function decodeDeadLetter(bytes: Uint8Array): DeadLetter {
  let value: unknown;
  try {
    value = packr.unpack(bytes);
  } catch (cause) {
    throw new EventMalformedError('dead letter is not valid MessagePack', { cause });
  }
  const letter = value as Partial<DeadLetter> | null;
  const record = letter?.record as Partial<LogRecord> | undefined;
  if (
    letter?.v !== DEAD_LETTER_VERSION ||
    typeof letter.consumer !== 'string' ||
    typeof letter.error?.code !== 'string' ||
    typeof record?.id !== 'string' ||
    !(record.payload instanceof Uint8Array)
  ) {
    throw new EventMalformedError('bytes are not a dead letter of a known version', {
      details: { version: letter?.v },
    });
  }
  // msgpackr gives Buffers; hand out plain bytes like every other record.
  record.payload = new Uint8Array(record.payload);
  return letter as DeadLetter;
}

/** Describes any thrown value as a dead-letter error. */
export function describeError(error: unknown, fallbackCode: string): DeadLetterError {
  const candidate = error as { code?: unknown; message?: unknown; details?: unknown } | null;
  const code = typeof candidate?.code === 'string' ? candidate.code : fallbackCode;
  const message = typeof candidate?.message === 'string' ? candidate.message : String(error);
  const details = candidate?.details;
  return typeof details === 'object' && details !== null
    ? { code, message, details: details as Record<string, unknown> }
    : { code, message };
}

/**
 * The record appended to the dead-letter log. Its id is derived from the consumer and the source
 * offset, so a redelivery of the same failure is deduped by the log while a retried copy (a new
 * offset) that fails again gets a dead letter of its own.
 */
export function deadLetterRecord(letter: DeadLetter): AppendRecord {
  return {
    id: `dl:${letter.consumer}:${letter.log}:${letter.record.offset}:${letter.record.id}`,
    key: letter.record.key,
    type: DEAD_LETTER_TYPE,
    time: letter.failedAt,
    payload: encodeDeadLetter(letter),
  };
}
