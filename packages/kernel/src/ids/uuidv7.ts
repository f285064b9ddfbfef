/** @module UUIDv7 ids (RFC 9562): time-ordered, so event ids sort by creation and index well. */
import { randomFillSync } from 'node:crypto';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const POOL_BYTES = 16 * 1024;
const pool = new Uint8Array(POOL_BYTES);
let poolOffset = POOL_BYTES;

let lastMs = -1;
// 12-bit rand_a used as a counter inside one millisecond (RFC 9562 §6.2, method 1), so ids
// created in the same millisecond by this process still sort in creation order.
let counter = 0;

function randomBytes(n: number): number {
  if (poolOffset + n > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const at = poolOffset;
  poolOffset += n;
  return at;
}

/**
 * Returns a new UUIDv7 string, monotonic within this process.
 * @param nowMs - the timestamp to embed; defaults to `Date.now()`.
 * @example uuidv7() // '019a4f5e-8b3c-7d2e-9f10-2a3b4c5d6e7f'
 */
export function uuidv7(nowMs: number = Date.now()): string {
  let ms = nowMs;
  if (ms > lastMs) {
    const at = randomBytes(2);
    counter = ((pool[at]! << 8) | pool[at + 1]!) & 0x7ff; // leave headroom before overflow
    lastMs = ms;
  } else {
    ms = lastMs;
    counter++;
    if (counter > 0xfff) {
      // Counter exhausted within one millisecond: borrow the next one (still monotonic).
      lastMs = ++ms;
      counter = 0;
    }
  }
  const r = randomBytes(8);
  const hi = Math.floor(ms / 0x10000);
  const lo = ms & 0xffff;
  return (
    HEX[(hi >>> 24) & 0xff]! +
    HEX[(hi >>> 16) & 0xff]! +
    HEX[(hi >>> 8) & 0xff]! +
    HEX[hi & 0xff]! +
    '-' +
    HEX[lo >>> 8]! +
    HEX[lo & 0xff]! +
    '-' +
    HEX[0x70 | (counter >>> 8)]! +
    HEX[counter & 0xff]! +
    '-' +
    HEX[0x80 | (pool[r]! & 0x3f)]! +
    HEX[pool[r + 1]!]! +
    '-' +
    HEX[pool[r + 2]!]! +
    HEX[pool[r + 3]!]! +
    HEX[pool[r + 4]!]! +
    HEX[pool[r + 5]!]! +
    HEX[pool[r + 6]!]! +
    HEX[pool[r + 7]!]!
  );
}

/** The millisecond timestamp embedded in a UUIDv7. */
export function uuidv7Time(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for any RFC 9562 UUID string (any version). */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}
