/**
 * @module Sealed venue credentials in SQL (`broker_credentials`, migration 0009). Rows hold sealed
 * values only (a check constraint refuses plain text); sealing and opening stay in credentials.ts.
 */
import type { SqlQueryable } from '@tickline/store';
import type { SealedVenueCredentials } from '../credentials.ts';

/** Stores (or replaces) a portfolio's sealed credentials for a venue. */
export async function saveSealedCredentials(
  sql: SqlQueryable,
  portfolioId: string,
  sealed: SealedVenueCredentials,
  at: Date,
): Promise<void> {
  await sql.query(
    `insert into broker_credentials (portfolio_id, venue, api_key_hint, api_key, api_secret, updated_at)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (portfolio_id, venue) do update set
       api_key_hint = excluded.api_key_hint, api_key = excluded.api_key,
       api_secret = excluded.api_secret, updated_at = excluded.updated_at`,
    [portfolioId, sealed.venue, sealed.apiKeyHint, sealed.apiKey, sealed.apiSecret, at],
  );
}

/** A portfolio's sealed credentials for a venue, or undefined. */
export async function findSealedCredentials(
  sql: SqlQueryable,
  portfolioId: string,
  venue: string,
): Promise<SealedVenueCredentials | undefined> {
  const { rows } = await sql.query<{
    venue: string;
    api_key_hint: string;
    api_key: string;
    api_secret: string;
  }>(
    'select venue, api_key_hint, api_key, api_secret from broker_credentials where portfolio_id = $1 and venue = $2',
    [portfolioId, venue],
  );
  const row = rows[0];
  return (
    row && { venue: row.venue, apiKeyHint: row.api_key_hint, apiKey: row.api_key, apiSecret: row.api_secret }
  );
}
