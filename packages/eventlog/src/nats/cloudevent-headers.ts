/**
 * @module The CloudEvents NATS protocol binding's headers on each message: every context
 * attribute of the event as a `ce-<name>` header (binary content mode: `ce-specversion`, `ce-id`,
 * `ce-source`, `ce-type`, `ce-subject`, `ce-time`, `ce-dataschema` and the extensions `ce-seq`,
 * `ce-partitionkey`, `ce-correlationid`, `ce-causationid`), so a consumer with an off-the-shelf
 * CloudEvents SDK reads who, what and when from the headers alone. The body stays Tickline's
 * framed MessagePack envelope; `ce-datacontenttype` and `content-type` name it, and it is not a
 * CloudEvents content type, which tells a consumer the message is in binary mode.
 */
import { decodeEvent, type EventEnvelope } from '@tickline/kernel';
import type { MsgHdrs } from '@nats-io/transport-node';

/** The body's media type: one version byte, then the envelope in MessagePack. */
export const TICKLINE_EVENT_CONTENT_TYPE = 'application/vnd.tickline.event+msgpack';
const PREFIX = 'ce-';
const ATTRIBUTES = [
  'specversion',
  'id',
  'source',
  'type',
  'subject',
  'time',
  'dataschema',
  'seq',
  'partitionkey',
  'correlationid',
  'causationid',
] as const satisfies ReadonlyArray<keyof EventEnvelope>;

// Header values are text on one line: percent-encode what is not printable ASCII (and `%`), as
// the HTTP binding does for its ce- headers.
function headerValue(value: string): string {
  return value.replace(/[^\x20-\x24\x26-\x7e]/gu, (c) => encodeURIComponent(c));
}

/**
 * Adds the event's attributes to `h`. A payload that is not an event envelope (another log's
 * frames) gets none: the headers describe events only.
 */
export function writeCloudEventHeaders(h: MsgHdrs, payload: Uint8Array): void {
  let event: EventEnvelope;
  try {
    event = decodeEvent(payload);
  } catch {
    return;
  }
  for (const name of ATTRIBUTES) {
    const value = event[name];
    if (value !== undefined && value !== null) h.set(`${PREFIX}${name}`, headerValue(String(value)));
  }
  h.set(`${PREFIX}datacontenttype`, TICKLINE_EVENT_CONTENT_TYPE);
  h.set('content-type', TICKLINE_EVENT_CONTENT_TYPE);
}
