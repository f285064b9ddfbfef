/** @module UUIDv7 ids (RFC 9562): time-ordered, so event ids sort by creation and index well. */
import { randomFillSync } from 'node:crypto';

// The two ASCII hex digits of each byte value.
const HEX_HIGH = Uint8Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').charCodeAt(0));
const HEX_LOW = Uint8Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').charCodeAt(1));
/** Where each of the 16 bytes' two digits go in the 36-character form (dashes in between). */
const DIGIT_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
/**
 * The id is written here and read out as one string. Built with `+` it was a rope of ~14 V8 cons
 * strings (~450 bytes) until something flattened it, and ids are kept by the thousand (channel
 * histories, stream leases, dedupe sets); read from a buffer it is one flat 36-byte string (and
 * about twice as fast to make).
 */
const text = Buffer.alloc(36, '-');
const bytes = new Uint8Array(16);
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
  bytes[0] = (hi >>> 24) & 0xff;
  bytes[1] = (hi >>> 16) & 0xff;
  bytes[2] = (hi >>> 8) & 0xff;
  bytes[3] = hi & 0xff;
  bytes[4] = lo >>> 8;
  bytes[5] = lo & 0xff;
  bytes[6] = 0x70 | (counter >>> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (pool[r]! & 0x3f);
  for (let i = 1; i < 8; i++) bytes[8 + i] = pool[r + i]!;
  for (let i = 0; i < 16; i++) {
    const at = DIGIT_AT[i]!;
    text[at] = HEX_HIGH[bytes[i]!]!;
    text[at + 1] = HEX_LOW[bytes[i]!]!;
  }
  return text.toString('latin1', 0, 36);
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
