/**
 * @module Session versions in SQL: the store of one process without Redis (the embedded default,
 * PGlite), so revocations survive a restart, and of gateways sharing a PostgreSQL without Redis.
 * The identity service puts its short cache in front, so a request costs a query at most every
 * few seconds per user.
 */
import { systemClock, type Clock } from '@tickline/kernel';
import type { IdentitySql } from '../repository/sql/identity-sql.ts';
import type { SessionVersions } from './session-versions.ts';

export interface SqlSessionVersionsOptions {
  /** @default systemClock */
  clock?: Clock;
}

export function createSqlSessionVersions(
  sql: IdentitySql,
  options: SqlSessionVersionsOptions = {},
): SessionVersions {
  const clock = options.clock ?? systemClock;
  return {
    async current(userId) {
      // float8: the drivers hand bigint back as a string or a BigInt; a ms timestamp fits a double.
      const result = await sql.query<{ version: number }>(
        `select version::float8 as version from session_versions where user_id = $1`,
        [userId],
      );
      return result.rows[0]?.version ?? 0;
    },
    async bump(userId) {
      // One statement: two gateways bumping at once both move the version on (nextVersion in SQL).
      const result = await sql.query<{ version: number }>(
        `insert into session_versions as s (user_id, version) values ($1, $2)
         on conflict (user_id) do update set version = greatest(excluded.version, s.version + 1)
         returning version::float8 as version`,
        [userId, clock.now()],
      );
      return result.rows[0]!.version;
    },
  };
}
