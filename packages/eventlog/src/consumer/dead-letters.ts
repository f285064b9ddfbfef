/**
 * @module Reading dead letters back and retrying them: what the admin API builds its
 * inspect / retry operations on. (Discarding needs no log operation: the dead-letter log is
 * append-only; an admin marks letters handled in its own store.)
 */
import { EventLogError } from '../port/errors.ts';
import type { AppendResult, EventLog, Offset } from '../port/event-log.ts';
import { DEAD_LETTER_TYPE, decodeDeadLetter, type DeadLetter } from './dead-letter.ts';

/** Options for {@link listDeadLetters}. */
export interface ListDeadLettersOptions {
  /** First offset to look at. @default 1 */
  from?: Offset;
  /** Records of the dead-letter log to scan (not letters returned). @default 100 */
  limit?: number;
  /** Only letters from this consumer. */
  consumer?: string;
}

/** A page of dead letters. */
export interface DeadLetterPage {
  letters: Array<{ offset: Offset; letter: DeadLetter }>;
  /** Offsets of records that claim to be dead letters but do not decode. */
  malformed: Offset[];
  /** Where the next page starts. */
  next: Offset;
}

/** Reads a page of dead letters from `log`, oldest first. */
export async function listDeadLetters(
  log: EventLog,
  options: ListDeadLettersOptions = {},
): Promise<DeadLetterPage> {
  const from = options.from ?? 1;
  const records = await log.read({ from, limit: options.limit ?? 100 });
  const page: DeadLetterPage = { letters: [], malformed: [], next: (records.at(-1)?.offset ?? from - 1) + 1 };
  for (const record of records) {
    if (record.type !== DEAD_LETTER_TYPE) continue;
    try {
      const letter = decodeDeadLetter(record.payload);
      if (options.consumer === undefined || letter.consumer === options.consumer) {
        page.letters.push({ offset: record.offset, letter });
      }
    } catch {
      page.malformed.push(record.offset);
    }
  }
  return page;
}

/**
 * Reads the dead letter at `offset`.
 * @throws EventLogError EVLOG_INVALID_ARGUMENT when there is no record there.
 * @throws EventMalformedError when the record is not a dead letter.
 */
export async function readDeadLetter(log: EventLog, offset: Offset): Promise<DeadLetter> {
  const [record] = await log.read({ from: offset, limit: 1 });
  if (!record || record.offset !== offset) {
    throw new EventLogError('EVLOG_INVALID_ARGUMENT', `no dead letter at offset ${offset} of "${log.name}"`, {
      details: { offset },
    });
  }
  return decodeDeadLetter(record.payload);
}

/** Options for {@link retryDeadLetter}. */
export interface RetryDeadLetterOptions {
  /** The dead-letter log. */
  deadLetters: EventLog;
  /** Offset of the letter in it. */
  offset: Offset;
  /** The log the consumer reads (where the original record came from). */
  target: EventLog;
}

/**
 * Re-publishes the original record of a dead letter to `target`, payload unchanged, so the
 * consumer sees the event again once its cause is fixed. The record gets a new id derived from
 * the letter (the log would drop the original id as a duplicate); consumers dedupe by the event
 * id inside the payload, so consumers that did process the event skip it. Retrying the same
 * letter twice within the log's dedupe window appends it once.
 */
export async function retryDeadLetter(options: RetryDeadLetterOptions): Promise<AppendResult> {
  const { record } = await readDeadLetter(options.deadLetters, options.offset);
  const [result] = await options.target.append([
    {
      id: `retry:${options.deadLetters.name}:${options.offset}:${record.id}`,
      key: record.key,
      type: record.type,
      time: record.time,
      payload: record.payload,
    },
  ]);
  return result!;
}
