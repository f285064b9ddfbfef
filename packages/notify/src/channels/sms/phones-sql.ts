/**
 * @module Phone numbers for SMS: a number is usable only after the user typed back the code
 * sent to it. Codes are stored hashed, expire after 10 minutes, and allow 5 tries.
 */
import { createHash, randomInt } from 'node:crypto';
import type { SqlQueryable } from '@tickline/store';
import { NotifyError } from '../../errors.ts';

export const PHONE_CODE_TTL_MS = 10 * 60_000;
export const PHONE_CODE_MAX_ATTEMPTS = 5;
/** E.164: + and up to 15 digits. */
export const E164 = /^\+[1-9]\d{6,14}$/;

const hash = (userId: string, code: string) => createHash('sha256').update(`${userId}:${code}`).digest('hex');

/** Starts a verification: stores the number unverified and returns the code to send. */
export async function startPhoneVerification(
  db: SqlQueryable,
  userId: string,
  phone: string,
  nowMs: number,
): Promise<string> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await db.query(
    `insert into notify_phones (user_id, phone, verified_at, code_hash, code_expires_at, code_attempts, updated_at)
     values ($1, $2, null, $3, $4, 0, $5)
     on conflict (user_id) do update set phone = excluded.phone, verified_at = null, code_hash = excluded.code_hash,
       code_expires_at = excluded.code_expires_at, code_attempts = 0, updated_at = excluded.updated_at`,
    [userId, phone, hash(userId, code), new Date(nowMs + PHONE_CODE_TTL_MS), new Date(nowMs)],
  );
  return code;
}

/**
 * Checks a code; on success the number becomes verified.
 * @throws NotifyError NOTIFY_PHONE_NOT_VERIFIED
 */
export async function confirmPhone(
  db: SqlQueryable,
  userId: string,
  code: string,
  nowMs: number,
): Promise<string> {
  const { rows } = await db.query<{
    phone: string;
    code_hash: string | null;
    code_expires_at: Date | null;
    code_attempts: number;
  }>(
    'update notify_phones set code_attempts = code_attempts + 1 where user_id = $1 returning phone, code_hash, code_expires_at, code_attempts',
    [userId],
  );
  const row = rows[0];
  const ok =
    row?.code_hash &&
    row.code_expires_at &&
    row.code_expires_at.getTime() > nowMs &&
    row.code_attempts <= PHONE_CODE_MAX_ATTEMPTS &&
    row.code_hash === hash(userId, code);
  if (!ok) throw new NotifyError('NOTIFY_PHONE_NOT_VERIFIED', 'wrong, expired or no pending code');
  await db.query(
    'update notify_phones set verified_at = $2, code_hash = null, code_expires_at = null where user_id = $1',
    [userId, new Date(nowMs)],
  );
  return row.phone;
}

export async function readPhone(
  db: SqlQueryable,
  userId: string,
): Promise<{ phone: string; verified: boolean } | undefined> {
  const { rows } = await db.query<{ phone: string; verified_at: Date | null }>(
    'select phone, verified_at from notify_phones where user_id = $1',
    [userId],
  );
  return rows[0] && { phone: rows[0].phone, verified: rows[0].verified_at !== null };
}

export async function deletePhone(db: SqlQueryable, userId: string): Promise<void> {
  await db.query('delete from notify_phones where user_id = $1', [userId]);
}
