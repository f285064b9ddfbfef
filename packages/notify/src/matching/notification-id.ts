/**
 * @module Stable notification ids: the same source event and user always give the same id, so a
 * matcher that replays a batch (crash before its checkpoint) re-publishes identical events and
 * every consumer and receiver drops the repeat. Shaped as a UUIDv7 whose time is the source event's.
 */
import { hash } from 'node:crypto';

/** A UUIDv7-shaped id: 48-bit time from `timeMs`, the rest from SHA-256 of `parts`. */
export function stableNotificationId(timeMs: number, ...parts: string[]): string {
  // The one-shot hash (no Hash object per id); its first 16 bytes become the id in place.
  const bytes = hash('sha256', parts.join('\u0000'), 'buffer');
  bytes.copyWithin(6, 0, 10);
  bytes.writeUIntBE(Math.max(0, Math.floor(timeMs)), 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8]! & 0x3f); // RFC 9562 variant
  const hex = bytes.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
