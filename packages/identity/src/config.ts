/**
 * @module Identity's config section `auth`: the secret the signing, encryption and stream ticket
 * keys are derived from, token lifetimes, OIDC providers, tier overrides and the first-run admin.
 * Light on purpose (zod and constants only): `tickline --help` and `config print` load it without
 * the domain (argon2, jose, openid-client).
 */
import type { DeepReadonly } from '@tickline/kernel';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_TIER_LIMITS as TIER_LIMITS, type TierLimits } from './tiers/tiers.ts';
import { TIERS as TIER_NAMES, type Tier as TierName } from './users/user.ts';

/** Life of an access token (and of the session cookie the stream endpoints accept). */
export const DEFAULT_ACCESS_TOKEN_TTL_MS = 15 * 60 * 1000;
/** Life of each refresh token. */
export const DEFAULT_REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/**
 * How long a rotated refresh token may be presented again without counting as reuse (10 s): a
 * page reloaded while its refresh was in flight, or two tabs refreshing at once, present the same
 * token twice. Okta's rotation has such a grace period (0–60 s, default 30 s); Auth0 calls it the
 * reuse interval.
 */
export const DEFAULT_REFRESH_REUSE_GRACE_MS = 10_000;
/** The deployment's life of a stream ticket (`auth.streamTicketTtlMs`, read by the ticket route). */
export const DEFAULT_STREAM_TICKET_TTL_MS = 60_000;
type TierLimitName = keyof TierLimits;

/** Shortest `auth.secret` accepted: 32 bytes, the HMAC-SHA256 key size. */
export const MIN_AUTH_SECRET_LENGTH = 32;
export const DEFAULT_INITIAL_ADMIN_EMAIL = 'admin@tickline.local';
export const DEFAULT_TOKEN_ISSUER = 'tickline';

const TIER_LIMIT_DESCRIPTIONS: Record<TierLimitName, string> = {
  requestsPerMinute: 'Sustained HTTP requests per minute, per user and per API key',
  burst: 'Requests allowed in a burst above the sustained rate',
  maxApiKeys: 'Active API keys per user',
  maxStreamConnections: 'Simultaneous SSE/WebSocket connections per user',
  maxStrategies: 'Saved strategies per user',
  backtestsPerDay: 'Backtests started per UTC day',
};

function tierOverrides(tier: TierName) {
  const field = (name: TierLimitName) =>
    z
      .int()
      .min(0)
      .optional()
      .describe(`${TIER_LIMIT_DESCRIPTIONS[name]} (${tier}); unset: ${TIER_LIMITS[tier][name]}.`);
  return z
    .strictObject({
      requestsPerMinute: field('requestsPerMinute'),
      burst: field('burst'),
      maxApiKeys: field('maxApiKeys'),
      maxStreamConnections: field('maxStreamConnections'),
      maxStrategies: field('maxStrategies'),
      backtestsPerDay: field('backtestsPerDay'),
    })
    .prefault({});
}

// The environment carries a list of objects as a JSON array, whose items arrive as JSON strings.
function parseJsonObject(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

const OidcProviderSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'expected a lower-case, path-safe id')
    .describe('Path-safe id used in routes: /api/v1/auth/oidc/<id>/start.'),
  name: z.string().min(1).max(64).optional().describe('Shown on the sign-in page; default the id.'),
  issuer: z.url().describe('Issuer URL; <issuer>/.well-known/openid-configuration must answer.'),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1).optional().describe('Confidential clients only (secret).'),
  redirectUri: z.url().describe('This server’s callback URL as registered at the provider.'),
  scope: z.string().min(1).optional().describe("Default 'openid email profile'."),
  allowInsecureRequests: z
    .boolean()
    .default(false)
    .describe('Allow a plain-HTTP issuer: local development and tests only.'),
});

function preset(name: string, console: string) {
  return z
    .strictObject({
      clientId: z.string().min(1).describe(`OAuth client id from ${console}.`),
      clientSecret: z.string().min(1).describe('Its client secret (secret).'),
      redirectUri: z
        .url()
        .describe(
          `This server’s callback as registered at ${name}: <public URL>/auth/callback/${name.toLowerCase()}.`,
        ),
    })
    .optional()
    .describe(`"Sign in with ${name}": set to show the button.`);
}

export const AuthSchema = z.strictObject({
  secret: z
    .string()
    .min(MIN_AUTH_SECRET_LENGTH)
    .optional()
    .describe(
      `Master secret (at least ${MIN_AUTH_SECRET_LENGTH} characters): the access token key (HS256), the TOTP encryption key and the stream ticket key are derived from it. Every gateway of a deployment needs the same one. Changing it signs everyone out and makes enrolled TOTP factors unreadable. Unset: generated once and kept in <dataDir>/secrets/auth-secret (mode 0600).`,
    ),
  jwtPrivateKey: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Ed25519 private key (PKCS#8 PEM): sign access tokens with EdDSA instead of HS256, so other services can verify them with the public key alone.',
    ),
  issuer: z
    .string()
    .min(1)
    .default(DEFAULT_TOKEN_ISSUER)
    .describe('`iss` of issued tokens, e.g. the public base URL.'),
  accessTokenTtlMs: z
    .int()
    .min(1000)
    .default(DEFAULT_ACCESS_TOKEN_TTL_MS)
    .describe('Life of an access token (and of the session cookie the stream endpoints accept).'),
  refreshTokenTtlMs: z
    .int()
    .min(1000)
    .default(DEFAULT_REFRESH_TOKEN_TTL_MS)
    .describe('Life of each refresh token; every rotation starts a new one.'),
  refreshReuseGraceMs: z
    .int()
    .min(0)
    .max(60_000)
    .default(DEFAULT_REFRESH_REUSE_GRACE_MS)
    .describe(
      'How long after its rotation a refresh token may be presented again and get a new one (a reload or a second tab racing the first); later it is reuse and ends the session. 0 turns the grace off.',
    ),
  streamTicketTtlMs: z
    .int()
    .min(1000)
    .default(DEFAULT_STREAM_TICKET_TTL_MS)
    .describe('Life of a stream ticket (POST /api/v1/stream/tickets), for EventSource URLs.'),
  initialAdminEmail: z
    .string()
    .regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'expected an email address')
    .default(DEFAULT_INITIAL_ADMIN_EMAIL)
    .describe(
      'Email of the admin account created on the first start (empty users table); its random password is written to <dataDir>/secrets/initial-admin.txt (mode 0600) and the log says where, never the password.',
    ),
  oidc: z
    .strictObject({
      providers: z
        .array(z.preprocess(parseJsonObject, OidcProviderSchema))
        .default([])
        .describe(
          'OpenID Connect providers: objects with id, issuer, clientId, clientSecret, redirectUri (in the environment: a JSON array).',
        ),
      google: preset('Google', 'the Google Cloud console (OAuth client, web application)'),
      github: preset('GitHub', 'GitHub → Settings → Developer settings → OAuth Apps'),
    })
    .prefault({}),
  tiers: z
    .strictObject(
      Object.fromEntries(TIER_NAMES.map((tier) => [tier, tierOverrides(tier)])) as Record<
        TierName,
        ReturnType<typeof tierOverrides>
      >,
    )
    .prefault({}),
});

export type AuthSettings = DeepReadonly<z.output<typeof AuthSchema>>;

/** The `auth` section of the Tickline config. */
export const identityConfig = { key: 'auth', schema: AuthSchema.prefault({}) } as const;

/** The identity tables' migrations (versions unique across all modules). */
export const IDENTITY_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
