/** @module Email verification links in SQL. */
import type { EmailVerificationRepository } from '../identity-repository.ts';
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
  };
}
