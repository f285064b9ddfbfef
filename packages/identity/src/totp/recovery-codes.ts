/**
 * @module Recovery codes: single-use fallbacks for a lost authenticator. 16 characters from a
 * 31-letter alphabet (~79 bits) each, so a SHA-256 is a safe stored form; shown once, grouped in
 * fours for reading. Input is accepted with or without dashes and in any case.
 */
import { randomHumanString, sha256Hex } from '../tokens/secrets.ts';

export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_CODE_CHARS = 16;

/** Fresh codes in display form: `abcd-efgh-jkmn-pqrs`. */
export function generateRecoveryCodes(count: number = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () =>
    randomHumanString(RECOVERY_CODE_CHARS).match(/.{4}/g)!.join('-'),
  );
}

/** The canonical form that is hashed: lower case, no separators or spaces. */
export function canonicalRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[\s-]/g, '');
}

/** True when `input` could be a recovery code (as opposed to a 6-digit TOTP code). */
export function looksLikeRecoveryCode(input: string): boolean {
  return canonicalRecoveryCode(input).length === RECOVERY_CODE_CHARS;
}

export function hashRecoveryCode(input: string): string {
  return sha256Hex(canonicalRecoveryCode(input));
}
