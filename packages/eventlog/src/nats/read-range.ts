/**
 * @module Range reads for replay and inspection: direct gets (`allow_direct` on the stream), a
 * window of them in flight at once. Any replica answers a direct get, so reads keep working
 * while a node is down; an ordered consumer did not (on 2.9 its create may be placed on the
 * dead peer and time out).
 */
import type { JetStreamManager, StoredMsg } from '@nats-io/jetstream';
import type { LogHead, LogRecord, ReadOptions } from '../port/event-log.ts';
import { toLogRecord } from './record-codec.ts';
import type { SubjectScheme } from './subjects.ts';

/** Direct gets in flight at once. */
const READ_WINDOW = 128;

/** One stored message as a record. */
export function fromStoredMsg(msg: StoredMsg, subjects: SubjectScheme): LogRecord {
  return toLogRecord(
    {
      seq: msg.seq,
      subject: msg.subject,
      headers: msg.header,
      data: msg.data,
      serverTimeMs: msg.time.getTime(),
    },
    subjects,
  );
}

/** Reads up to `limit` records from `from` (sequences deleted from the stream are skipped). */
export async function readRange(
  jsm: JetStreamManager,
  stream: string,
  subjects: SubjectScheme,
  head: LogHead,
  options: ReadOptions,
): Promise<LogRecord[]> {
  if (head.last === 0) return [];
  const from = Math.max(options.from, head.first, 1);
  const count = Math.min(options.limit, head.last - from + 1);
  if (count <= 0) return [];
  const slots = new Array<StoredMsg | null>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      slots[i] = await jsm.direct.getMessage(stream, { seq: from + i });
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_WINDOW, count) }, worker));
  const records: LogRecord[] = [];
  for (const msg of slots) if (msg) records.push(fromStoredMsg(msg, subjects));
  return records;
}
