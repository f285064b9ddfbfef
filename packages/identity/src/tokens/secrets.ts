/**
 * @module Random secrets and their digests. Refresh tokens, API keys and recovery codes are
 * high-entropy random strings, so a plain SHA-256 is a safe stored form (no salt or slow hash is
 * needed: there is nothing to guess from a dictionary).
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// No 0/o/1/l/i: recovery codes are typed by people from a printout.
const HUMAN_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';

/** `bytes` random bytes as base64url (no padding). */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** `length` uniformly random characters of `alphabet` (no modulo bias). */
export function randomString(length: number, alphabet: string = BASE62): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Random characters people can read back without confusing 0/O or 1/l. */
export function randomHumanString(length: number): string {
  return randomString(length, HUMAN_ALPHABET);
}

/** SHA-256 of a UTF-8 string, hex. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Constant-time equality of two hex digests of the same length. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
