/**
 * @module The keys identity, the stream tickets and trading's venue credentials use, derived (HKDF-SHA256, one label each) from
 * one master secret: `auth.secret`, or a random one generated on first start and kept in
 * `${dataDir}/secrets/auth-secret`. One secret to share between gateways, never one in the code.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { readOrCreatePrivateFile, secretsPath } from '@tickline/kernel';
import type { ResolvedConfig } from '../config/load.ts';
import { ServerError } from '../errors.ts';

/** Bytes of a generated master secret (and of every derived key). */
export const AUTH_KEY_BYTES = 32;
export const AUTH_SECRET_FILE = 'auth-secret';

const SALT = 'tickline';
const Label = {
  AccessTokens: 'tickline/access-token-hs256',
  Totp: 'tickline/totp-encryption',
  StreamTickets: 'tickline/stream-ticket',
  VenueCredentials: 'tickline/venue-credentials',
} as const;

/** The derived keys and where the master secret came from. */
export interface AuthKeys {
  /** HS256 key of access and MFA tokens. */
  accessTokenSecret: Uint8Array;
  /** AES-256-GCM key of TOTP secrets at rest. */
  totpEncryptionKey: Uint8Array;
  /** HMAC key of stream tickets. */
  streamTicketSecret: Uint8Array;
  /** AES-256-GCM key of venue API keys at rest (trading's bound portfolios). */
  venueCredentialKey: Uint8Array;
  /** `config` (auth.secret), or the file that holds the generated secret. */
  source: { kind: 'config' } | { kind: 'file'; file: string; created: boolean };
}

/** Derives the keys from `master` (any length ≥ 32 bytes). */
export function deriveAuthKeys(master: Uint8Array): Omit<AuthKeys, 'source'> {
  const derive = (label: string) => new Uint8Array(hkdfSync('sha256', master, SALT, label, AUTH_KEY_BYTES));
  return {
    accessTokenSecret: derive(Label.AccessTokens),
    totpEncryptionKey: derive(Label.Totp),
    streamTicketSecret: derive(Label.StreamTickets),
    venueCredentialKey: derive(Label.VenueCredentials),
  };
}

/** Loads the master secret (creating the file on first start) and derives the keys. */
export async function loadAuthKeys(config: ResolvedConfig): Promise<AuthKeys> {
  if (config.auth.secret !== undefined) {
    return { ...deriveAuthKeys(Buffer.from(config.auth.secret, 'utf8')), source: { kind: 'config' } };
  }
  const stored = await readOrCreatePrivateFile(secretsPath(config.dataDir, AUTH_SECRET_FILE), () =>
    randomBytes(AUTH_KEY_BYTES).toString('base64url'),
  );
  if (stored.value.length < AUTH_KEY_BYTES) {
    // A truncated file would silently give everyone a guessable key.
    throw new ServerError(
      'SERVER_SECRET_INVALID',
      `${stored.file} holds less than ${AUTH_KEY_BYTES} characters; delete it to generate a new secret (this signs everyone out)`,
      { details: { file: stored.file } },
    );
  }
  return {
    ...deriveAuthKeys(Buffer.from(stored.value, 'utf8')),
    source: { kind: 'file', file: stored.file, created: stored.created },
  };
}
