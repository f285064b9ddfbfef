/**
 * @module Identity as a host of the process: the domain service over the SQL repository, the keys
 * the process derived from its auth secret, `account.created` through the publisher, the first-run
 * admin, and an hourly purge of ended sessions.
 */
import type { Publisher } from '@tickline/eventlog';
import {
  createBeatService,
  ServiceStatus,
  type Caller,
  type ModuleBaseDeps,
  type ModuleHost,
  type RequestAuth,
  type Service,
} from '@tickline/kernel';
import type { FastifyRequest } from 'fastify';
import type { Sql } from '@tickline/store';
import { RouteAccess } from '@tickline/protocol';
import type { AuthSettings } from '../config.ts';
import { isAuthTokenError, isSessionRevokedError } from '../errors.ts';
import { principalOf, requireAuthentication } from '../http/authenticate.ts';
import { createSqlIdentityRepository } from '../repository/sql/sql-identity-repository.ts';
import { createIdentityService, type IdentityService } from '../service/identity-service.ts';
import type { IdentityServiceOptions } from '../service/options.ts';
import { requireAdmin, requireRouteScope, requireScope, type Principal } from '../service/principal.ts';
import type { TierOverrides } from '../tiers/tiers.ts';
import type { Role } from '../users/user.ts';
import { createSqlSessionVersions } from '../revocation/sql-session-versions.ts';
import type { SessionVersions } from '../revocation/session-versions.ts';
import { createRedisSignInThrottle, type RedisCommandClient } from '../throttle/redis-sign-in-throttle.ts';
import { GITHUB_ISSUER } from '../oidc/github-client.ts';
import type { OidcProviderOptions } from '../oidc/oidc-provider-options.ts';
import { ensureInitialAdmin } from './initial-admin.ts';

/** Google's OpenID Connect issuer (discovery at its /.well-known/openid-configuration). */
export const GOOGLE_ISSUER = 'https://accounts.google.com';

/** How often sessions that ended over a week ago are deleted. */
export const SESSION_PURGE_INTERVAL_MS = 60 * 60_000;

/** The keys identity uses, derived by the process from `auth.secret`. */
export interface IdentityKeys {
  /** HS256 key of access and MFA tokens. */
  accessTokenSecret: Uint8Array;
  /** AES-256-GCM key of TOTP secrets at rest. */
  totpEncryptionKey: Uint8Array;
}

/** What {@link createIdentityHost} is built from. */
export interface IdentityHostDeps extends ModuleBaseDeps<AuthSettings> {
  sql: Sql;
  publisher: Publisher;
  keys: IdentityKeys;
  /** Where the first-run admin's credentials are written (`<dataDir>/secrets`). */
  dataDir: string;
  /**
   * The process's session versions (the composition root's: Redis when `redis.url` is set, so a
   * revocation on one gateway reaches all). @default in SQL (survives a restart)
   */
  sessionVersions?: SessionVersions | undefined;
  /** The process's Redis connection when `redis.url` is set: the sign-in throttle is shared. */
  redis?: SharedRedis | undefined;
  /**
   * Whether cookies are `Secure`, as the composition root decided from the public URL (https) or
   * from serving TLS itself. @default false
   */
  secureCookies?: boolean | undefined;
  /**
   * The notifications section, read to know whether verification links are emailed (SMTP set)
   * or printed to the log (the embedded default has no mail).
   */
  config?: {
    readonly notify?: { readonly enabled?: boolean; readonly email?: { readonly host?: string | undefined } };
  };
}

/** A connected Redis client and the deployment's key prefix and command timeout. */
export interface SharedRedis {
  readonly client: RedisCommandClient;
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
}

/** Identity on a running process. */
export interface IdentityHost extends ModuleHost {
  readonly identity: IdentityService;
  /** A session cookie's or token's user, or null when it is not valid (for stream authentication). */
  verifyAccessToken(
    token: string,
  ): Promise<{ userId: string; role: Role; sv: number; limits: Readonly<Record<string, number>> } | null>;
  /** Whether credentials issued under `version` still stand (streams, game sessions). */
  isSessionCurrent(userId: string, version: number, apiKeyId?: string): Promise<boolean>;
  /** Authentication for other domains' routes. */
  readonly auth: RequestAuth<FastifyRequest>;
  /** Whether the cookies identity's routes set are `Secure` (from {@link IdentityHostDeps}). */
  readonly secureCookies: boolean;
  /** Verification links go out by mail (notify on, SMTP set); else an admin reads them. */
  readonly mailsVerificationLinks: boolean;
}

/** Identity's request authentication, for routes outside the identity package. */
export function requestAuth(identity: IdentityService): RequestAuth<FastifyRequest> {
  const authenticate = requireAuthentication(identity);
  return {
    authenticate,
    caller(request, scope) {
      const principal = principalOf(request);
      if (scope !== undefined) requireScope(principal, scope);
      return callerOf(principal);
    },
    admin(request) {
      const principal = principalOf(request);
      requireAdmin(principal);
      return callerOf(principal);
    },
    async authorize(request, scope) {
      if (scope === RouteAccess.Public) return;
      await authenticate(request);
      requireRouteScope(principalOf(request), scope);
    },
  };
}

function callerOf(principal: Principal): Caller {
  return {
    userId: principal.userId,
    role: principal.role,
    tier: principal.tier,
    kind: principal.kind,
    sessionVersion: principal.sessionVersion ?? 0,
    ...(principal.apiKeyId === undefined ? {} : { apiKeyId: principal.apiKeyId }),
    limits: { ...principal.limits },
    ...(principal.scopes === null ? {} : { scopes: principal.scopes }),
  };
}

/** The configured providers plus the Google and GitHub presets that are set. */
export function oidcProvidersFrom(oidc: AuthSettings['oidc']): OidcProviderOptions[] {
  const providers: OidcProviderOptions[] = oidc.providers.map((provider) => ({ ...provider }));
  if (oidc.google)
    providers.push({
      id: 'google',
      name: 'Google',
      issuer: GOOGLE_ISSUER,
      scope: 'openid email profile',
      ...oidc.google,
    });
  if (oidc.github)
    providers.push({ id: 'github', name: 'GitHub', kind: 'github', issuer: GITHUB_ISSUER, ...oidc.github });
  return providers;
}

/** The identity options the `auth` section describes. */
export function identityOptionsFrom(
  auth: AuthSettings,
  keys: IdentityKeys,
): Omit<IdentityServiceOptions, 'repository' | 'publish' | 'logger' | 'metrics'> {
  const tiers: TierOverrides = {};
  for (const [tier, overrides] of Object.entries(auth.tiers)) {
    const set = Object.entries(overrides).filter(([, value]) => value !== undefined);
    if (set.length > 0) tiers[tier as keyof TierOverrides] = Object.fromEntries(set);
  }
  return {
    tokens: {
      signing:
        auth.jwtPrivateKey === undefined
          ? { algorithm: 'HS256', secret: keys.accessTokenSecret }
          : { algorithm: 'EdDSA', privateKeyPem: auth.jwtPrivateKey },
      issuer: auth.issuer,
      accessTokenTtlMs: auth.accessTokenTtlMs,
      refreshTokenTtlMs: auth.refreshTokenTtlMs,
      refreshReuseGraceMs: auth.refreshReuseGraceMs,
    },
    totp: { encryptionKey: keys.totpEncryptionKey },
    tiers,
    oidc: { providers: oidcProvidersFrom(auth.oidc) },
  };
}

/** Whether the notifications service emails verification links here (notify on, SMTP set). */
function mailsLinks(deps: IdentityHostDeps): boolean {
  const notify = deps.config?.notify;
  return notify !== undefined && notify.enabled !== false && notify.email?.host !== undefined;
}

/** Builds identity from the open database and the started publisher; creates the first admin. */
export async function createIdentityHost(deps: IdentityHostDeps): Promise<IdentityHost> {
  const { settings, publisher, logger } = deps;
  const identity = createIdentityService({
    ...identityOptionsFrom(settings, deps.keys),
    repository: createSqlIdentityRepository(deps.sql),
    sessionVersions: deps.sessionVersions ?? createSqlSessionVersions(deps.sql, { clock: deps.clock }),
    ...(deps.redis
      ? {
          throttle: createRedisSignInThrottle({
            client: deps.redis.client,
            keyPrefix: deps.redis.keyPrefix,
            commandTimeoutMs: deps.redis.commandTimeoutMs,
            logger,
          }),
        }
      : {}),
    publish: (event) => publisher.publish(event),
    // Never the link: logs are shipped and read by many. An admin reads it through the API.
    ...(mailsLinks(deps)
      ? {}
      : {
          onEmailVerificationRequested: ({ userId }: { userId: string }) =>
            logger.info(
              { userId },
              `email verification requested; no mail is configured: an admin gets the link with POST /api/v1/admin/users/${userId}/email-verification-link`,
            ),
        }),
    logger,
    metrics: deps.metrics,
  });
  try {
    await ensureInitialAdmin({
      sql: deps.sql,
      identity,
      email: settings.initialAdminEmail,
      dataDir: deps.dataDir,
      logger,
    });
  } catch (error) {
    await identity.close();
    throw error;
  }
  let state: ServiceStatus = ServiceStatus.Up;
  const service: Service = {
    name: 'identity',
    async start() {},
    async stop() {
      state = ServiceStatus.Stopping;
      await identity.close();
      state = ServiceStatus.Stopped;
    },
    health: () => ({ status: state }),
  };
  const purge = createBeatService({
    name: 'session-purge',
    intervalMs: SESSION_PURGE_INTERVAL_MS,
    beat: async () => void (await identity.purgeEndedSessions()),
    failureMessage: 'purging ended sessions failed; retrying next hour',
  });
  return {
    services: [service, purge],
    identity,
    auth: requestAuth(identity),
    secureCookies: deps.secureCookies ?? false,
    mailsVerificationLinks: mailsLinks(deps),
    isSessionCurrent: (userId, version, apiKeyId) => identity.isSessionCurrent(userId, version, apiKeyId),
    async verifyAccessToken(token) {
      try {
        const principal = await identity.authenticateAccessToken(token);
        return {
          userId: principal.userId,
          role: principal.role,
          sv: principal.sessionVersion ?? 0,
          limits: { ...principal.limits },
        };
      } catch (error) {
        // An expired, forged or revoked token is a refusal; anything else (a bug) is for the caller to log.
        if (isAuthTokenError(error) || isSessionRevokedError(error)) return null;
        throw error;
      }
    },
  };
}
