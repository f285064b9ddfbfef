/**
 * @module Printing log records as JSON lines: the decoded envelope with its offset first. A
 * record that does not decode prints one error line (with its code) on stderr, and the listing goes on.
 */
import type { EventLog, LogRecord, Offset } from '@tickline/eventlog';
import { decodeEvent, isTicklineError } from '@tickline/kernel';
import type { CliIo } from '../io.ts';

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
    const event = decodeEvent(record.payload);
    io.out(`${JSON.stringify({ offset: record.offset, ...event })}\n`);
    result.printed++;
  } catch (error) {
    const code = isTicklineError(error) ? error.code : 'UNKNOWN';
    const message = error instanceof Error ? error.message : String(error);
    io.err(
      `${JSON.stringify({ offset: record.offset, id: record.id, type: record.type, error: { code, message } })}\n`,
    );
    result.undecodable++;
  }
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
