/**
 * @module Range reads for replay and inspection: pipelined direct gets (`allow_direct` on the
 * stream) on one reply subscription, a window of them in flight. Any replica answers a direct
 * get, so reads keep working while a node is down; an ordered consumer did not (on 2.9 its
 * create may be placed on the dead peer and time out). `jsm.direct.getMessage` per record
 * worked too but ran at ~15k records/s; this runs at several times that.
 */
import { createInbox, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { EventLogError } from '../port/errors.ts';
import type { LogHead, LogRecord, ReadOptions } from '../port/event-log.ts';
import { toLogRecord } from './record-codec.ts';
import type { SubjectScheme } from './subjects.ts';

/** Direct gets in flight at once. */
const READ_WINDOW = 512;
const STATUS_NOT_FOUND = 404;

/** The record in a direct-get reply; undefined for a deleted sequence. */
function fromDirectReply(msg: Msg, subjects: SubjectScheme): LogRecord | undefined {
  const h = msg.headers;
  if (!h || h.code === STATUS_NOT_FOUND) return undefined;
  if (h.hasError)
    throw new EventLogError('EVLOG_UNAVAILABLE', `direct get failed: ${h.code} ${h.description}`);
  return toLogRecord(
    {
      seq: Number(h.get('Nats-Sequence')),
      subject: h.get('Nats-Subject'),
      headers: h,
      data: msg.data,
      serverTimeMs: Date.parse(h.get('Nats-Time-Stamp')),
    },
    subjects,
  );
}

/** Reads up to `limit` records from `from` (sequences deleted from the stream are skipped). */
export function readRange(
  nc: NatsConnection,
  stream: string,
  subjects: SubjectScheme,
  head: LogHead,
  options: ReadOptions & { timeoutMs: number },
): Promise<LogRecord[]> {
  if (head.last === 0) return Promise.resolve([]);
  const from = Math.max(options.from, head.first, 1);
  const count = Math.min(options.limit, head.last - from + 1);
  if (count <= 0) return Promise.resolve([]);
  const subject = `$JS.API.DIRECT.GET.${stream}`;
  const inbox = createInbox();
  const slots = new Array<LogRecord | undefined | null>(count).fill(null);
  let sent = 0;
  let received = 0;
  let refillScheduled = false;
  return new Promise<LogRecord[]>((resolve, reject) => {
    const finish = (error?: unknown): void => {
      clearTimeout(timer);
      sub.unsubscribe();
      if (error) reject(error);
      else resolve(slots.filter((r): r is LogRecord => r !== undefined && r !== null));
    };
    const send = (): void => {
      refillScheduled = false;
      // Same batching as appends: refill once half the window came back, in one socket write.
      while (sent < count && sent - received < READ_WINDOW) {
        nc.publish(subject, JSON.stringify({ seq: from + sent }), { reply: `${inbox}.${sent}` });
        sent++;
      }
    };
    const sub = nc.subscribe(`${inbox}.*`, {
      callback: (_err, msg) => {
        const i = Number(msg.subject.slice(inbox.length + 1));
        if (slots[i] !== null) return;
        try {
          slots[i] = fromDirectReply(msg, subjects);
        } catch (error) {
          finish(error);
          return;
        }
        if (++received === count) return finish();
        if (!refillScheduled && sent - received <= READ_WINDOW / 2) {
          refillScheduled = true;
          queueMicrotask(send);
        }
      },
    });
    const timer = setTimeout(
      () =>
        finish(
          new EventLogError(
            'EVLOG_UNAVAILABLE',
            `read of ${count} records timed out after ${options.timeoutMs} ms`,
          ),
        ),
      options.timeoutMs,
    );
    send();
  });
}
