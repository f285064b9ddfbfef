/** @module TOTP factors and recovery codes in SQL. */
import type { TotpRepository } from '../identity-repository.ts';
import type { TotpRecord } from '../records.ts';
import type { IdentitySql, IdentitySqlQueryable } from './identity-sql.ts';

async function replaceCodes(tx: IdentitySqlQueryable, userId: string, codeHashes: readonly string[]) {
  await tx.query(`delete from recovery_codes where user_id = $1`, [userId]);
  await tx.query(
    `insert into recovery_codes (user_id, code_hash, used_at) select $1, h, null from unnest($2::text[]) as h`,
    [userId, codeHashes],
  );
}

export function createSqlTotp(sql: IdentitySql): TotpRepository {
  return {
    async findTotp(userId) {
      const result = await sql.query<TotpRecord>(
        `select user_id as "userId", secret_cipher as "secretCipher", created_at as "createdAt",
                enabled_at as "enabledAt", last_time_step as "lastTimeStep"
           from totp_factors where user_id = $1`,
        [userId],
      );
      const row = result.rows[0];
      return row && { ...row, lastTimeStep: row.lastTimeStep === null ? null : Number(row.lastTimeStep) };
    },
    async savePendingTotp(userId, secretCipher, at) {
      const result = await sql.query(
        `insert into totp_factors (user_id, secret_cipher, created_at, enabled_at, last_time_step)
         values ($1, $2, $3, null, null)
         on conflict (user_id) do update set secret_cipher = excluded.secret_cipher, created_at = excluded.created_at
           where totp_factors.enabled_at is null`,
        [userId, secretCipher, at],
      );
      return result.rowCount > 0;
    },
    activateTotp(userId, timeStep, at, recoveryCodeHashes) {
      return sql.transaction(async (tx) => {
        const result = await tx.query(
          `update totp_factors set enabled_at = $2, last_time_step = $3 where user_id = $1 and enabled_at is null`,
          [userId, at, timeStep],
        );
        if (result.rowCount === 0) return false;
        await replaceCodes(tx, userId, recoveryCodeHashes);
        return true;
      });
    },
    async advanceTotpTimeStep(userId, timeStep) {
      const result = await sql.query(
        `update totp_factors set last_time_step = $2
          where user_id = $1 and (last_time_step is null or last_time_step < $2)`,
        [userId, timeStep],
      );
      return result.rowCount > 0;
    },
    async consumeRecoveryCode(userId, codeHash, at) {
      const result = await sql.query(
        `update recovery_codes set used_at = $3 where user_id = $1 and code_hash = $2 and used_at is null`,
        [userId, codeHash, at],
      );
      return result.rowCount > 0;
    },
    async replaceRecoveryCodes(userId, codeHashes) {
      await sql.transaction((tx) => replaceCodes(tx, userId, codeHashes));
    },
    async countUnusedRecoveryCodes(userId) {
      const result = await sql.query<{ n: number }>(
        `select count(*)::int as n from recovery_codes where user_id = $1 and used_at is null`,
        [userId],
      );
      return result.rows[0]?.n ?? 0;
    },
    async deleteTotp(userId) {
      await sql.transaction(async (tx) => {
        await tx.query(`delete from recovery_codes where user_id = $1`, [userId]);
        await tx.query(`delete from totp_factors where user_id = $1`, [userId]);
      });
    },
  };
}
