/** @module OIDC sign-in states and linked identities in SQL. */
import type { OidcRepository } from '../identity-repository.ts';
import type { OidcIdentityRecord, OidcStateRecord } from '../records.ts';
import type { IdentitySql, IdentitySqlQueryable } from './identity-sql.ts';
import { insertUserSql } from './sql-users.ts';

function insertIdentity(db: IdentitySqlQueryable, identity: OidcIdentityRecord) {
  return db.query(
    `insert into oidc_identities (issuer, subject, user_id, email, created_at) values ($1, $2, $3, $4, $5)`,
    [identity.issuer, identity.subject, identity.userId, identity.email, identity.createdAt],
  );
}

export function createSqlOidc(sql: IdentitySql): OidcRepository {
  return {
    async saveOidcState(state) {
      await sql.query(
        `insert into oidc_login_states (state, provider_id, nonce, code_verifier, return_to, created_at, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [
          state.state,
          state.providerId,
          state.nonce,
          state.codeVerifier,
          state.returnTo,
          state.createdAt,
          state.expiresAt,
        ],
      );
    },
    async deleteExpiredOidcStates(now) {
      const result = await sql.query<{ state: string }>(
        `delete from oidc_login_states where expires_at <= $1 returning state`,
        [now],
      );
      return result.rows.length;
    },
    async takeOidcState(state, now) {
      // Abandoned sign-ins are swept here, by the next callback, instead of by a timer.
      await sql.query(`delete from oidc_login_states where expires_at <= $1`, [now]);
      const result = await sql.query<OidcStateRecord>(
        `delete from oidc_login_states where state = $1
         returning state, provider_id as "providerId", nonce, code_verifier as "codeVerifier",
                   return_to as "returnTo", created_at as "createdAt", expires_at as "expiresAt"`,
        [state],
      );
      const row = result.rows[0];
      return row && row.expiresAt > now ? row : undefined;
    },
    async findOidcIdentity(issuer, subject) {
      const result = await sql.query<OidcIdentityRecord>(
        `select issuer, subject, user_id as "userId", email, created_at as "createdAt"
           from oidc_identities where issuer = $1 and subject = $2`,
        [issuer, subject],
      );
      return result.rows[0];
    },
    async linkOidcIdentity(identity) {
      await insertIdentity(sql, identity);
    },
    async insertUserWithOidcIdentity(user, identity) {
      await sql.transaction(async (tx) => {
        await insertUserSql(tx, user);
        await insertIdentity(tx, identity);
      });
    },
  };
}
