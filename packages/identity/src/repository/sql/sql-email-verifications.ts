/** @module Email verification links in SQL. */
import type { EmailVerificationRepository } from '../identity-repository.ts';
import { resendRefusal, utcDayOf } from '../resend-refusal.ts';
import type { IdentitySql } from './identity-sql.ts';

export function createSqlEmailVerifications(sql: IdentitySql): EmailVerificationRepository {
  return {
    async saveEmailVerification(record) {
      await sql.query(
        `insert into email_verifications (token_hash, user_id, email, created_at, expires_at)
         values ($1, $2, $3, $4, $5)`,
        [record.tokenHash, record.userId, record.email, record.createdAt, record.expiresAt],
      );
    },
    consumeEmailVerification(tokenHash, now) {
      return sql.transaction(async (tx) => {
        // Deleting first makes the link single-use even when two requests race with it.
        const taken = await tx.query<{ userId: string; email: string; expiresAt: Date }>(
          `delete from email_verifications where token_hash = $1
           returning user_id as "userId", email, expires_at as "expiresAt"`,
          [tokenHash],
        );
        const record = taken.rows[0];
        if (!record || new Date(record.expiresAt) <= now) return undefined;
        const verified = await tx.query<{ id: string }>(
          `update users set email_verified_at = coalesce(email_verified_at, $3)
           where id = $1 and email = $2 returning id`,
          [record.userId, record.email, now],
        );
        if (verified.rows.length === 0) return undefined;
        await tx.query(`delete from email_verifications where user_id = $1`, [record.userId]);
        return record.userId;
      });
    },
    async takeEmailVerificationResend(userId, now, limits) {
      const day = utcDayOf(now);
      if (limits.perDay > 0) {
        // One statement: the row lock of `on conflict` orders racing requests, and the `where`
        // sees the count the previous one left (a new day starts the count over).
        const taken = await sql.query(
          `insert into email_verification_sends as s (user_id, day, n, last_at) values ($1, $2::date, 1, $3)
           on conflict (user_id) do update
             set n = case when s.day = excluded.day then s.n + 1 else 1 end, day = excluded.day, last_at = excluded.last_at
             where (s.day <> excluded.day or s.n < $4)
               and s.last_at <= $3::timestamptz - make_interval(secs => $5)
           returning n`,
          [userId, day, now, limits.perDay, limits.minIntervalMs / 1000],
        );
        if (taken.rowCount > 0) return undefined;
      }
      // Refused: the row says which limit (read after the fact only to explain it).
      const { rows } = await sql.query<{ day: string; n: number; lastAt: Date }>(
        'select day::text as day, n, last_at as "lastAt" from email_verification_sends where user_id = $1',
        [userId],
      );
      const row = rows[0];
      return resendRefusal(
        row && { day: row.day, n: Number(row.n), lastAt: new Date(row.lastAt) },
        now,
        limits,
      );
    },
  };
}
