/** @module Identity service options, their defaults, and the one function that resolves them. */
import {
  Registry,
  silentLogger,
  systemClock,
  type Clock,
  type EventEnvelope,
  type Logger,
} from '@tickline/kernel';
import { API_KEY_SCOPES, ApiKeyScope } from '@tickline/protocol';
import { DEFAULT_LAST_USED_FLUSH_INTERVAL_MS } from '../api-keys/last-used-recorder.ts';
import type { OidcProviderOptions } from '../oidc/oidc-provider-options.ts';
import type { IdentityRepository } from '../repository/identity-repository.ts';
import type { ResendLimits } from '../repository/records.ts';
import { cacheSessionVersions } from '../revocation/cached-session-versions.ts';
import { createMemorySessionVersions } from '../revocation/memory-session-versions.ts';
import type { SessionVersions } from '../revocation/session-versions.ts';
import { createMemorySignInThrottle } from '../throttle/memory-sign-in-throttle.ts';
import type { SignInThrottle, ThrottleLimits } from '../throttle/sign-in-throttle.ts';
import { resolveTierTable, type TierOverrides, type TierTable } from '../tiers/tiers.ts';
import type { TokenSigningOptions } from '../tokens/token-keys.ts';
import { boundPasswordHasher, type PasswordHashingLimits } from '../users/bounded-hasher.ts';
import { createArgon2Hasher, type PasswordHasher } from '../users/password-hasher.ts';
import { createIdentityMetrics } from './identity-metrics.ts';
import type { Tier } from '../users/user.ts';

import {
  DEFAULT_ACCESS_TOKEN_TTL_MS,
  DEFAULT_REFRESH_REUSE_GRACE_MS,
  DEFAULT_REFRESH_TOKEN_TTL_MS,
} from '../config.ts';

export { DEFAULT_ACCESS_TOKEN_TTL_MS, DEFAULT_REFRESH_TOKEN_TTL_MS };
export const DEFAULT_SESSION_MAX_AGE_MS = 90 * 24 * 60 * 60 * 1000;
export const DEFAULT_MFA_TOKEN_TTL_MS = 5 * 60 * 1000;
export const DEFAULT_CLOCK_SKEW_MS = 30_000;
export const DEFAULT_OIDC_STATE_TTL_MS = 10 * 60 * 1000;
export const DEFAULT_EMAIL_VERIFICATION_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * Verification links a user may have sent again per UTC day (the sign-up's own link is not
 * counted): sign-up proves nothing about the address, so this bounds what one account can mail to
 * someone else's inbox. Notify's codes allow as many (`VERIFICATION_SENDS_PER_USER_PER_DAY`).
 */
export const DEFAULT_EMAIL_VERIFICATION_RESENDS_PER_DAY = 5;
/** The least time between two links sent again to one user (one minute, as notify's codes). */
export const DEFAULT_EMAIL_VERIFICATION_RESEND_INTERVAL_MS = 60_000;
export const DEFAULT_TOTP_ISSUER = 'Tickline';

/**
 * The scope an API key needs for account management: creating or revoking keys, two-factor
 * settings, the password, signing sessions out. A leaked `market:read` key must not be able to
 * mint itself successors, switch off 2FA or lock the owner out. Signed-in users have it.
 */
export const ACCOUNT_SCOPE = ApiKeyScope.AccountManage;

/** Scopes an API key may carry unless configured otherwise. */
export const DEFAULT_API_KEY_SCOPES: readonly ApiKeyScope[] = API_KEY_SCOPES;

/** Options for {@link createIdentityService}. */
export interface IdentityServiceOptions {
  repository: IdentityRepository;
  tokens: {
    signing: TokenSigningOptions;
    /** `iss` of issued tokens, e.g. the public base URL. */
    issuer: string;
    /** `aud` of access tokens. @default 'tickline-api' */
    audience?: string;
    /** @default 900_000 (15 minutes) */
    accessTokenTtlMs?: number;
    /** Each refresh token's life; every rotation starts a new one. @default 30 days */
    refreshTokenTtlMs?: number;
    /**
     * How long after its rotation a refresh token may be presented again and get a new token
     * instead of ending the session as reuse. @default 10_000
     */
    refreshReuseGraceMs?: number;
    /** A session's absolute life, however often it is refreshed. @default 90 days */
    sessionMaxAgeMs?: number;
    /** The MFA challenge between password and code. @default 300_000 (5 minutes) */
    mfaTokenTtlMs?: number;
    /** Tolerated clock difference when checking exp/nbf/iat. @default 30_000 */
    clockSkewMs?: number;
  };
  totp: {
    /** 32 bytes (base64url string or bytes) that encrypt TOTP secrets at rest. */
    encryptionKey: string | Uint8Array;
    /** Name shown in authenticator apps. @default 'Tickline' */
    issuer?: string;
    /** Periods accepted either side of now. @default 1 */
    windowSteps?: number;
  };
  /**
   * Per-user session versions, checked on every access token (through a 2 s cache). Scaled mode:
   * the Redis adapter, so a revocation on one gateway reaches all. @default in memory
   */
  sessionVersions?: SessionVersions;
  /** Failed sign-in counting. @default an in-memory throttle on `clock` */
  throttle?: SignInThrottle;
  throttleLimits?: ThrottleLimits;
  /** Life of an email verification link. @default 86_400_000 (one day) */
  emailVerificationTtlMs?: number;
  /**
   * How often a user may have their verification link sent again (`POST /me/email/verification`);
   * past it, IDENTITY_VERIFICATION_THROTTLED and nothing is sent.
   * @default { perDay: 5, minIntervalMs: 60_000 }
   */
  emailVerificationResend?: Partial<ResendLimits>;
  /**
   * Called for each verification link issued, with whose it is and never the link itself: where
   * no mail goes out (the embedded default) the host logs where an admin reads it. @default none
   */
  onEmailVerificationRequested?: (request: { userId: string; email: string }) => void;
  /** Called with `account.created` after the account is stored. Fire-and-forget (a Publisher's `publish`). */
  publish?: (event: EventEnvelope) => void;
  /** The `source` of published events. @default 'identity' */
  eventSource?: string;
  /** Per-tier overrides of rate limits and quotas. */
  tiers?: TierOverrides;
  /** Tier of new accounts. @default 'free' */
  defaultTier?: Tier;
  /** The scopes an API key may be given. @default DEFAULT_API_KEY_SCOPES */
  apiKeyScopes?: readonly string[];
  /** How often API key last-used times are written. @default 60_000 */
  apiKeyLastUsedFlushIntervalMs?: number;
  oidc?: {
    providers: OidcProviderOptions[];
    /** How long a started OIDC sign-in may take. @default 600_000 (10 minutes) */
    stateTtlMs?: number;
    /**
     * Link a first OIDC sign-in to an existing account with the same email when the provider
     * says the email is verified. Linking also needs the account's own email verified. Off, or either unverified: refused with IDENTITY_OIDC_LINK_REQUIRED.
     * @default true
     */
    linkVerifiedEmail?: boolean;
  };
  /** @default argon2id with OWASP's minimum cost */
  passwordHasher?: PasswordHasher;
  /** Bounds on concurrent and queued hashing; past them a call fails with IDENTITY_BUSY. */
  passwordHashing?: PasswordHashingLimits;
  /** @default systemClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
  /** @default a private registry */
  metrics?: Registry;
}

/** Options with every default applied. */
export interface ResolvedIdentityOptions {
  repository: IdentityRepository;
  signing: TokenSigningOptions;
  issuer: string;
  audience: string;
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  refreshReuseGraceMs: number;
  sessionMaxAgeMs: number;
  mfaTokenTtlMs: number;
  clockSkewMs: number;
  totpEncryptionKey: string | Uint8Array;
  totpIssuer: string;
  totpWindowSteps: number | undefined;
  throttle: SignInThrottle;
  throttleLimits: ThrottleLimits;
  sessionVersions: SessionVersions;
  publish: ((event: EventEnvelope) => void) | undefined;
  emailVerificationTtlMs: number;
  emailVerificationResend: ResendLimits;
  onEmailVerificationRequested: IdentityServiceOptions['onEmailVerificationRequested'];
  eventSource: string;
  tiers: TierTable;
  defaultTier: Tier;
  apiKeyScopes: ReadonlySet<string>;
  apiKeyLastUsedFlushIntervalMs: number;
  oidcProviders: OidcProviderOptions[];
  oidcStateTtlMs: number;
  oidcLinkVerifiedEmail: boolean;
  passwordHasher: PasswordHasher;
  clock: Clock;
  logger: Logger;
  metrics: Registry;
}

export function resolveIdentityOptions(options: IdentityServiceOptions): ResolvedIdentityOptions {
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? new Registry();
  const shed = createIdentityMetrics(metrics).passwordHashesShed;
  const resolved: ResolvedIdentityOptions = {
    repository: options.repository,
    signing: options.tokens.signing,
    issuer: options.tokens.issuer,
    audience: options.tokens.audience ?? 'tickline-api',
    accessTokenTtlMs: options.tokens.accessTokenTtlMs ?? DEFAULT_ACCESS_TOKEN_TTL_MS,
    refreshTokenTtlMs: options.tokens.refreshTokenTtlMs ?? DEFAULT_REFRESH_TOKEN_TTL_MS,
    refreshReuseGraceMs: options.tokens.refreshReuseGraceMs ?? DEFAULT_REFRESH_REUSE_GRACE_MS,
    sessionMaxAgeMs: options.tokens.sessionMaxAgeMs ?? DEFAULT_SESSION_MAX_AGE_MS,
    mfaTokenTtlMs: options.tokens.mfaTokenTtlMs ?? DEFAULT_MFA_TOKEN_TTL_MS,
    clockSkewMs: options.tokens.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS,
    totpEncryptionKey: options.totp.encryptionKey,
    totpIssuer: options.totp.issuer ?? DEFAULT_TOTP_ISSUER,
    totpWindowSteps: options.totp.windowSteps,
    throttle: options.throttle ?? createMemorySignInThrottle({ clock }),
    throttleLimits: options.throttleLimits ?? {},
    sessionVersions: cacheSessionVersions(options.sessionVersions ?? createMemorySessionVersions({ clock }), {
      clock,
      logger: options.logger ?? silentLogger,
    }),
    publish: options.publish,
    emailVerificationTtlMs: options.emailVerificationTtlMs ?? DEFAULT_EMAIL_VERIFICATION_TTL_MS,
    emailVerificationResend: {
      perDay: options.emailVerificationResend?.perDay ?? DEFAULT_EMAIL_VERIFICATION_RESENDS_PER_DAY,
      minIntervalMs:
        options.emailVerificationResend?.minIntervalMs ?? DEFAULT_EMAIL_VERIFICATION_RESEND_INTERVAL_MS,
    },
    onEmailVerificationRequested: options.onEmailVerificationRequested,
    eventSource: options.eventSource ?? 'identity',
    tiers: resolveTierTable(options.tiers),
    defaultTier: options.defaultTier ?? 'free',
    apiKeyScopes: new Set(options.apiKeyScopes ?? DEFAULT_API_KEY_SCOPES),
    apiKeyLastUsedFlushIntervalMs:
      options.apiKeyLastUsedFlushIntervalMs ?? DEFAULT_LAST_USED_FLUSH_INTERVAL_MS,
    oidcProviders: options.oidc?.providers ?? [],
    oidcStateTtlMs: options.oidc?.stateTtlMs ?? DEFAULT_OIDC_STATE_TTL_MS,
    oidcLinkVerifiedEmail: options.oidc?.linkVerifiedEmail ?? true,
    passwordHasher: boundPasswordHasher(
      options.passwordHasher ?? createArgon2Hasher(),
      options.passwordHashing,
      () => shed.inc(),
    ),
    clock,
    logger: options.logger ?? silentLogger,
    metrics,
  };
  for (const field of [
    'accessTokenTtlMs',
    'refreshTokenTtlMs',
    'sessionMaxAgeMs',
    'mfaTokenTtlMs',
  ] as const) {
    if (!(resolved[field] >= 1000)) throw new RangeError(`tokens.${field} must be at least 1000 ms`);
  }
  if (resolved.accessTokenTtlMs > resolved.refreshTokenTtlMs) {
    throw new RangeError('tokens.accessTokenTtlMs must not exceed tokens.refreshTokenTtlMs');
  }
  const ids = resolved.oidcProviders.map((p) => p.id);
  if (new Set(ids).size !== ids.length) throw new RangeError('oidc.providers ids must be unique');
  return resolved;
}
