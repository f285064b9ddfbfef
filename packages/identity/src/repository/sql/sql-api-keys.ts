/** @module API keys in SQL. */
import type { ApiKeyRepository } from '../identity-repository.ts';
import type { ApiKeyRecord } from '../records.ts';
import type { IdentitySql } from './identity-sql.ts';

const API_KEY_COLUMNS = `id, user_id as "userId", name, prefix, key_hash as "keyHash", scopes,
  created_at as "createdAt", expires_at as "expiresAt", last_used_at as "lastUsedAt", revoked_at as "revokedAt"`;

const valuesOf = (key: ApiKeyRecord) => [
  key.id,
  key.userId,
  key.name,
  key.prefix,
  key.keyHash,
  key.scopes,
  key.createdAt,
  key.expiresAt,
  key.lastUsedAt,
  key.revokedAt,
];

export function createSqlApiKeys(sql: IdentitySql): ApiKeyRepository {
  return {
    async insertApiKey(key) {
      await sql.query(
        `insert into api_keys (id, user_id, name, prefix, key_hash, scopes, created_at, expires_at, last_used_at, revoked_at)
         values ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9, $10)`,
        valuesOf(key),
      );
    },
    async insertApiKeyWithinQuota(key, limit) {
      // A count, then an insert, let 3 parallel creations past a limit of 2.
      return sql.transaction(async (tx) => {
        await tx.query("select pg_advisory_xact_lock(hashtext('tickline.api-key-quota.' || $1))", [
          key.userId,
        ]);
        const inserted = await tx.query(
          `insert into api_keys (id, user_id, name, prefix, key_hash, scopes, created_at, expires_at, last_used_at, revoked_at)
           select $1, $2, $3, $4, $5, $6::text[], $7, $8, $9, $10
           where (select count(*) from api_keys
                   where user_id = $2 and revoked_at is null and (expires_at is null or expires_at > $7)) < $11`,
          [...valuesOf(key), limit],
        );
        return inserted.rowCount > 0;
      });
    },
    async findApiKeyByPrefix(prefix) {
      const result = await sql.query<ApiKeyRecord>(
        `select ${API_KEY_COLUMNS} from api_keys where prefix = $1`,
        [prefix],
      );
      return result.rows[0];
    },
    async findApiKeyById(id) {
      const result = await sql.query<ApiKeyRecord>(`select ${API_KEY_COLUMNS} from api_keys where id = $1`, [
        id,
      ]);
      return result.rows[0];
    },
    async listApiKeys(userId) {
      return (
        await sql.query<ApiKeyRecord>(
          `select ${API_KEY_COLUMNS} from api_keys where user_id = $1 order by id`,
          [userId],
        )
      ).rows;
    },
    async countActiveApiKeys(userId, now) {
      const result = await sql.query<{ n: number }>(
        `select count(*)::int as n from api_keys
          where user_id = $1 and revoked_at is null and (expires_at is null or expires_at > $2)`,
        [userId, now],
      );
      return result.rows[0]?.n ?? 0;
    },
    async revokeApiKey(userId, keyId, at) {
      const result = await sql.query(
        `update api_keys set revoked_at = coalesce(revoked_at, $3) where id = $1 and user_id = $2`,
        [keyId, userId, at],
      );
      return result.rowCount > 0;
    },
    async recordApiKeyUse(uses) {
      if (uses.length === 0) return;
      await sql.query(
        `update api_keys k set last_used_at = greatest(k.last_used_at, v.at)
           from unnest($1::uuid[], $2::timestamptz[]) as v(id, at)
          where k.id = v.id`,
        [uses.map((u) => u.id), uses.map((u) => u.at.toISOString())],
      );
    },
  };
}
