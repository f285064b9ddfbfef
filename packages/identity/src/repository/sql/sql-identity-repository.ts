/** @module The SQL identity repository (PGlite or PostgreSQL through the store's `Sql`). */
import type { IdentityRepository } from '../identity-repository.ts';
import type { IdentitySql } from './identity-sql.ts';
import { createSqlApiKeys } from './sql-api-keys.ts';
import { createSqlEmailVerifications } from './sql-email-verifications.ts';
import { createSqlOidc } from './sql-oidc.ts';
import { createSqlSessions } from './sql-sessions.ts';
import { createSqlTotp } from './sql-totp.ts';
import { createSqlUsers } from './sql-users.ts';

/** Needs the tables of migration `NNNN_identity.sql` (applied by the store's migrator). */
export function createSqlIdentityRepository(sql: IdentitySql): IdentityRepository {
  return {
    ...createSqlUsers(sql),
    ...createSqlSessions(sql),
    ...createSqlApiKeys(sql),
    ...createSqlTotp(sql),
    ...createSqlOidc(sql),
    ...createSqlEmailVerifications(sql),
  };
}
