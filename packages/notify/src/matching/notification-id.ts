/**
 * @module Stable notification ids: the same source event and user always give the same id, so a
 * matcher that replays a batch (crash before its checkpoint) re-publishes identical events and
 * every consumer and receiver drops the repeat. Shaped as a UUIDv7 whose time is the source event's.
 */
import { hash } from 'node:crypto';

/** A UUIDv7-shaped id: 48-bit time from `timeMs`, the rest from SHA-256 of `parts`. */
export function stableNotificationId(timeMs: number, ...parts: string[]): string {
  // Built from hex strings: a one-shot digest as hex needs no Buffer (each one a native
  // allocation, once per notification on the matcher's path). Byte 6 takes version 7, byte 8 the
  // RFC 9562 variant (its top two bits 10); the rest is the digest's first ten bytes.
  const t = Math.max(0, Math.floor(timeMs)).toString(16).padStart(12, '0');
  const h = hash('sha256', parts.join('\u0000'), 'hex');
  const variant = (8 | (Number.parseInt(h[4]!, 16) & 3)).toString(16);
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${h.slice(1, 4)}-${variant}${h.slice(5, 8)}-${h.slice(8, 20)}`;
}
