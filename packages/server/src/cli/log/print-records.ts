/**
 * @module Printing log records as JSON lines: the decoded envelope (or dead letter) with its
 * offset first. A record that does not decode prints one error line (with its code) on stderr,
 * and the listing goes on.
 */
import {
  DEAD_LETTER_TYPE,
  decodeDeadLetter,
  type EventLog,
  type LogRecord,
  type Offset,
} from '@tickline/eventlog';
import { decodeEvent, isTicklineError } from '@tickline/kernel';
import type { CliIo } from '@tickline/cli';

/** Records per read. */
const READ_BATCH = 500;
/** How often a followed log is polled for new records. */
export const FOLLOW_POLL_INTERVAL_MS = 200;

/** Options for {@link printRecords}. */
export interface PrintRecordsOptions {
  from: Offset;
  /** Last offset to print (inclusive). */
  to?: Offset;
  /** Only records whose type starts with this. */
  typePrefix?: string;
  /** Most records to print. */
  limit?: number;
  /** Keep waiting for new records until `io.interrupted`. */
  follow: boolean;
  /** @default FOLLOW_POLL_INTERVAL_MS */
  pollIntervalMs?: number;
}

/** What was printed. */
export interface PrintRecordsResult {
  printed: number;
  undecodable: number;
  /** The offset after the last one read. */
  next: Offset;
}

/** Prints records from `options.from` on; resolves when done (or interrupted while following). */
export async function printRecords(
  log: EventLog,
  io: CliIo,
  options: PrintRecordsOptions,
): Promise<PrintRecordsResult> {
  const result: PrintRecordsResult = { printed: 0, undecodable: 0, next: options.from };
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  for (;;) {
    if (io.interrupted?.aborted) return result;
    const remaining =
      options.to === undefined ? READ_BATCH : Math.min(READ_BATCH, options.to - result.next + 1);
    const batch = remaining > 0 ? await log.read({ from: result.next, limit: remaining }) : [];
    for (const record of batch) {
      if (options.to !== undefined && record.offset > options.to) return result;
      result.next = record.offset + 1;
      if (options.typePrefix !== undefined && !record.type.startsWith(options.typePrefix)) continue;
      printRecord(io, record, result);
      if (result.printed + result.undecodable >= limit) return result;
    }
    const reachedEnd = options.to !== undefined && result.next > options.to;
    if (batch.length === 0 || reachedEnd) {
      if (!options.follow || reachedEnd) return result;
      await sleep(options.pollIntervalMs ?? FOLLOW_POLL_INTERVAL_MS, io.interrupted);
    }
  }
}

function printRecord(io: CliIo, record: LogRecord, result: PrintRecordsResult): void {
  try {
    const shown = record.type === DEAD_LETTER_TYPE ? describeDeadLetter(record) : decodeEvent(record.payload);
    io.out(`${JSON.stringify({ offset: record.offset, ...shown })}\n`);
    result.printed++;
  } catch (error) {
    const line = { offset: record.offset, id: record.id, type: record.type, error: describeError(error) };
    io.err(`${JSON.stringify(line)}\n`);
    result.undecodable++;
  }
}

/** A dead letter, with the original event decoded when it can be (it may be why it is here). */
function describeDeadLetter(record: LogRecord): Record<string, unknown> {
  const letter = decodeDeadLetter(record.payload);
  const original = letter.record;
  let event: Record<string, unknown>;
  try {
    event = { event: decodeEvent(original.payload) };
  } catch (error) {
    event = { eventError: describeError(error) };
  }
  return {
    type: DEAD_LETTER_TYPE,
    consumer: letter.consumer,
    log: letter.log,
    error: letter.error,
    attempts: letter.attempts,
    failedAt: new Date(letter.failedAt).toISOString(),
    original: { offset: original.offset, id: original.id, key: original.key, type: original.type, ...event },
  };
}

function describeError(error: unknown): { code: string; message: string } {
  return {
    code: isTicklineError(error) ? error.code : 'UNKNOWN',
    message: error instanceof Error ? error.message : String(error),
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
