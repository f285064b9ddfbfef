/** @module Every row of every identity table as JSON, for "nothing changed" assertions on SQL. */
import type { IdentitySqlQueryable } from '../repository/sql/identity-sql.ts';

export const IDENTITY_TABLES = [
  'users',
  'auth_sessions',
  'refresh_tokens',
  'api_keys',
  'totp_factors',
  'recovery_codes',
  'oidc_login_states',
  'oidc_identities',
  'email_verification_sends',
] as const;

export async function snapshotIdentityTables(sql: IdentitySqlQueryable): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  for (const table of IDENTITY_TABLES) {
    const result = await sql.query<{ row: string }>(
      `select to_jsonb(t)::text as row from ${table} t order by 1`,
    );
    snapshot[table] = result.rows.map((r) => r.row);
  }
  return snapshot;
}
