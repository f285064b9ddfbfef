/** @module Range reads for replay: an ordered (ephemeral) consumer starting at `from`. */
import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import type { LogHead, LogRecord, ReadOptions } from '../port/event-log.ts';
import { fromJsMsg } from './record-codec.ts';
import type { SubjectScheme } from './subjects.ts';

/** Upper bound on one read; a range with deleted sequences in it returns short after this. */
const READ_EXPIRES_MS = 5_000;

/** Reads up to `limit` records from `from`; asks only for what the head says exists, so it never waits. */
export async function readRange(
  js: JetStreamClient,
  stream: string,
  subjects: SubjectScheme,
  head: LogHead,
  options: ReadOptions,
): Promise<LogRecord[]> {
  const from = Math.max(options.from, head.first, 1);
  const count = Math.min(options.limit, head.last - from + 1);
  if (count <= 0 || head.last === 0) return [];
  const consumer = await js.consumers.get(stream, {
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: from,
  });
  const records: LogRecord[] = [];
  try {
    const batch = await consumer.fetch({ max_messages: count, expires: READ_EXPIRES_MS });
    for await (const msg of batch) {
      records.push(fromJsMsg(msg, subjects));
      if (records.length >= count) break;
    }
  } finally {
    await consumer.delete().catch(() => false);
  }
  return records;
}
