/**
 * @module How a hub message travels on the real-time delivery log: one version byte, then JSON
 * `{ o: origin node, c: channel, i: id, t: type, d: data }`. Record id = `channel|event id`, so the
 * same event on two channels is two records, and a re-append of one is deduped by the log; the
 * record key is the channel's delivery key (channel-key.ts), which NATS turns into its subject.
 */
import type { AppendRecord, LogRecord } from '@tickline/eventlog';
import { channelKey } from '../channels/channel-key.ts';
import type { HubEvent } from '../hub/hub-message.ts';

export const BRIDGE_RECORD_VERSION = 1;

/** A decoded bridge record. */
export interface BridgeMessage {
  origin: string;
  channel: string;
  event: HubEvent;
}

export function encodeBridgeRecord(origin: string, channel: string, event: HubEvent): AppendRecord {
  const json = Buffer.from(
    JSON.stringify({ o: origin, c: channel, i: event.id, t: event.type, d: event.data }),
    'utf8',
  );
  const payload = Buffer.allocUnsafe(json.length + 1);
  payload[0] = BRIDGE_RECORD_VERSION;
  json.copy(payload, 1);
  return { id: `${channel}|${event.id}`, key: channelKey(channel), type: event.type, payload };
}

/** The message in `record`, or undefined when it is not a bridge record this version understands. */
export function decodeBridgeRecord(record: LogRecord): BridgeMessage | undefined {
  const bytes = record.payload;
  if (bytes.length < 2 || bytes[0] !== BRIDGE_RECORD_VERSION) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 1, bytes.length - 1).toString('utf8'));
  } catch {
    return undefined;
  }
  const v = value as { o?: unknown; c?: unknown; i?: unknown; t?: unknown; d?: unknown };
  if (
    typeof v.o !== 'string' ||
    typeof v.c !== 'string' ||
    typeof v.i !== 'string' ||
    typeof v.t !== 'string'
  ) {
    return undefined;
  }
  return { origin: v.o, channel: v.c, event: { id: v.i, type: v.t, data: v.d } };
}
