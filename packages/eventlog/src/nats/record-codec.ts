/**
 * @module How a record sits in a JetStream message: payload as the body, the key in the subject
 * (escaped), the id as `Nats-Msg-Id` (which drives dedupe), type and time as headers, and the
 * event's CloudEvents attributes as `ce-*` headers (the CloudEvents NATS binding).
 */
import type { MsgHdrs } from '@nats-io/transport-node';
import type { AppendRecord, LogRecord } from '../port/event-log.ts';
import { writeCloudEventHeaders } from './cloudevent-headers.ts';
import type { DeliveredMessage } from './pull-request.ts';
import type { SubjectScheme } from './subjects.ts';

const ID_HEADER = 'Nats-Msg-Id';
const TYPE_HEADER = 'Tickline-Type';
const TIME_HEADER = 'Tickline-Time';

/** Header names and the code that writes and reads them. */
export const RecordHeaders = {
  id: ID_HEADER,
  type: TYPE_HEADER,
  time: TIME_HEADER,
  /**
   * Fills `h` for `record`. Without a time the header is left out and the server's timestamp
   * (the time of the append, as the port defines the default) stands in when reading.
   */
  write(h: MsgHdrs, record: AppendRecord): void {
    h.set(ID_HEADER, record.id);
    h.set(TYPE_HEADER, record.type);
    if (record.time !== undefined) h.set(TIME_HEADER, String(record.time));
    writeCloudEventHeaders(h, record.payload);
  },
  /** The record's time, or `fallbackMs` (the server's timestamp) when the header is missing. */
  readTime(h: MsgHdrs | undefined, fallbackMs: number): number {
    const raw = h?.get(TIME_HEADER);
    const time = raw ? Number(raw) : NaN;
    return Number.isFinite(time) ? time : fallbackMs;
  },
} as const;

/** The parts of a JetStream message a record is rebuilt from. */
export interface StoredParts {
  seq: number;
  subject: string;
  headers: MsgHdrs | undefined;
  data: Uint8Array;
  /** Server timestamp in ms, used when a message carries no time header. */
  serverTimeMs: number;
}

/** Rebuilds the stored record from a message. */
export function toLogRecord(parts: StoredParts, subjects: SubjectScheme): LogRecord {
  return {
    offset: parts.seq,
    id: parts.headers?.get(ID_HEADER) ?? '',
    key: subjects.keyOf(parts.subject),
    type: parts.headers?.get(TYPE_HEADER) ?? '',
    time: RecordHeaders.readTime(parts.headers, parts.serverTimeMs),
    payload: parts.data,
  };
}

/** The record a consumer delivery carries. */
export function deliveredRecord(delivered: DeliveredMessage, subjects: SubjectScheme): LogRecord {
  const { msg } = delivered;
  return toLogRecord(
    {
      seq: delivered.seq,
      subject: msg.subject,
      headers: msg.headers,
      data: msg.data,
      serverTimeMs: delivered.serverTimeMs,
    },
    subjects,
  );
}
