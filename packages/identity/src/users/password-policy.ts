/**
 * @module Password policy, after NIST SP 800-63B: length over composition rules, a block-list of
 * the most common choices, and no password containing the account's own email name.
 */
import { IdentityError } from '../errors.ts';

/** Shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 10;
/** Longest password accepted: bounds argon2 input and request size. */
export const MAX_PASSWORD_LENGTH = 128;

// The head of public breach frequency lists, at or above the minimum length; a short list here is
// a floor, not a breach check (that needs a k-anonymity service the embedded mode cannot reach).
const COMMON_PASSWORDS = new Set([
  '1234567890',
  '0123456789',
  '12345678910',
  '123456789a',
  'qwertyuiop',
  'password12',
  'password123',
  'password1234',
  'passw0rd123',
  '1q2w3e4r5t',
  'iloveyou12',
  'abcdefghij',
  'aaaaaaaaaa',
  'qwerty1234',
  'qwerty123456',
  'letmein123',
  'welcome123',
  'administrator',
  'changeme123',
  '1qaz2wsx3edc',
]);

/** Why a password was refused. */
export const PasswordRule = {
  TooShort: 'too_short',
  TooLong: 'too_long',
  Common: 'common',
  ContainsEmail: 'contains_email',
  Repetitive: 'repetitive',
} as const;
export type PasswordRule = (typeof PasswordRule)[keyof typeof PasswordRule];

/** The first rule `password` breaks for the account `email`, or undefined. */
export function checkPassword(password: string, email: string): PasswordRule | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return PasswordRule.TooShort;
  if (length > MAX_PASSWORD_LENGTH) return PasswordRule.TooLong;
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return PasswordRule.Common;
  if (new Set(lower).size < 4) return PasswordRule.Repetitive;
  const name = email.split('@')[0] ?? '';
  if (name.length >= 4 && lower.includes(name)) return PasswordRule.ContainsEmail;
  return undefined;
}

/** @throws IdentityError IDENTITY_PASSWORD_WEAK naming the broken rule. */
export function assertPasswordAllowed(password: string, email: string): void {
  const rule = checkPassword(password, email);
  if (rule) {
    throw new IdentityError('IDENTITY_PASSWORD_WEAK', `password rejected: ${rule.replace('_', ' ')}`, {
      details: { rule, minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH },
    });
  }
}
