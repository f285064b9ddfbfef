/** @module Users in SQL. */
import type { UserRepository } from '../identity-repository.ts';
import type { UserRecord } from '../records.ts';
import {
  mapEmailTaken,
  type IdentitySql,
  type IdentitySqlQueryable,
  type IdentitySqlValue,
} from './identity-sql.ts';

export const USER_COLUMNS = `id, email, display_name as "displayName", password_hash as "passwordHash", role, tier,
  status, created_at as "createdAt", updated_at as "updatedAt", email_verified_at as "emailVerifiedAt"`;

export function insertUserSql(db: IdentitySqlQueryable, user: UserRecord): Promise<unknown> {
  return mapEmailTaken(
    db.query(
      `insert into users (id, email, display_name, password_hash, role, tier, status, created_at, updated_at,
         email_verified_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        user.id,
        user.email,
        user.displayName,
        user.passwordHash,
        user.role,
        user.tier,
        user.status,
        user.createdAt,
        user.updatedAt,
        user.emailVerifiedAt ?? null,
      ],
    ),
  );
}

export function createSqlUsers(sql: IdentitySql): UserRepository {
  return {
    async insertUser(user) {
      await insertUserSql(sql, user);
    },
    async findUserById(id) {
      return (await sql.query<UserRecord>(`select ${USER_COLUMNS} from users where id = $1`, [id])).rows[0];
    },
    async findUserByEmail(email) {
      return (await sql.query<UserRecord>(`select ${USER_COLUMNS} from users where email = $1`, [email]))
        .rows[0];
    },
    updateUser(id, patch, at, options = {}) {
      return sql.transaction(async (tx) => {
        if (options.keepAnAdmin && (patch.role !== undefined || patch.status !== undefined)) {
          // Locking every active admin serializes concurrent demotions: a second transaction
          // re-reads the locked rows after the first commits and sees the smaller set.
          const admins = await tx.query<{ id: string }>(
            `select id from users where role = 'admin' and status = 'active' order by id for update`,
          );
          const target = admins.rows.some((r) => r.id === id);
          const staysAdmin = (patch.role ?? 'admin') === 'admin' && (patch.status ?? 'active') === 'active';
          if (target && !staysAdmin && admins.rows.length === 1) return 'last_admin' as const;
        }
        const result = await tx.query<UserRecord>(
          `update users set
             role = coalesce($2::text, role),
             tier = coalesce($3::text, tier),
             status = coalesce($4::text, status),
             password_hash = coalesce($5::text, password_hash),
             display_name = case when $6::boolean then $7::text else display_name end,
             updated_at = $8
           where id = $1
           returning ${USER_COLUMNS}`,
          [
            id,
            patch.role ?? null,
            patch.tier ?? null,
            patch.status ?? null,
            patch.passwordHash ?? null,
            patch.displayName !== undefined,
            patch.displayName ?? null,
            at,
          ],
        );
        return result.rows[0];
      });
    },
    async listUsers(query) {
      const params: IdentitySqlValue[] = [];
      const where: string[] = [];
      const add = (condition: string, value: IdentitySqlValue) => {
        params.push(value);
        where.push(condition.replace('?', `$${params.length}`));
      };
      if (query.after !== undefined) add('id > ?', query.after);
      if (query.role !== undefined) add('role = ?', query.role);
      if (query.tier !== undefined) add('tier = ?', query.tier);
      // starts_with, not LIKE: `%` and `_` in the input must match literally.
      if (query.emailPrefix !== undefined) add('starts_with(email, ?)', query.emailPrefix);
      params.push(query.limit);
      const filter = where.length > 0 ? `where ${where.join(' and ')}` : '';
      const text = `select ${USER_COLUMNS} from users ${filter} order by id limit $${params.length}`;
      return (await sql.query<UserRecord>(text, params)).rows;
    },
    async countActiveAdmins() {
      const result = await sql.query<{ n: number }>(
        `select count(*)::int as n from users where role = 'admin' and status = 'active'`,
      );
      return result.rows[0]?.n ?? 0;
    },
  };
}
