/**
 * @module @tickline/identity — users, sign-in, tokens, API keys, roles and tiers, TOTP, OIDC and
 * sign-in throttling. `createIdentityService` is the domain API; `identityRoutes` mounts it on
 * Fastify; the zod schemas describe every input for OpenAPI. `identityModule` is what the
 * composition root composes: config section `auth`, host and routes.
 */
export { identityModule } from './module/identity-module.ts';
export {
  createIdentityHost,
  identityOptionsFrom,
  SESSION_PURGE_INTERVAL_MS,
  requestAuth,
} from './module/identity-host.ts';
export { ensureInitialAdmin, INITIAL_ADMIN_FILE } from './module/initial-admin.ts';
export {
  identityConfig,
  AuthSchema,
  MIN_AUTH_SECRET_LENGTH,
  DEFAULT_STREAM_TICKET_TTL_MS,
  DEFAULT_REFRESH_REUSE_GRACE_MS,
  IDENTITY_MIGRATIONS_DIR,
} from './config.ts';
export { createIdentityService } from './service/identity-service.ts';
export {
  resolveIdentityOptions,
  DEFAULT_ACCESS_TOKEN_TTL_MS,
  DEFAULT_REFRESH_TOKEN_TTL_MS,
  DEFAULT_SESSION_MAX_AGE_MS,
  DEFAULT_MFA_TOKEN_TTL_MS,
  DEFAULT_CLOCK_SKEW_MS,
  DEFAULT_OIDC_STATE_TTL_MS,
  DEFAULT_API_KEY_SCOPES,
  ACCOUNT_SCOPE,
} from './service/options.ts';
export {
  PrincipalKind,
  requireRole,
  requireScope,
  requireAdmin,
  streamTicketAttrs,
} from './service/principal.ts';
export { RevokeReason, DEFAULT_ENDED_SESSION_RETENTION_MS } from './service/sessions.ts';
export {
  IdentityErrorCodes,
  IdentityError,
  TooManyAttemptsError,
  isAuthTokenError,
  isTooManyAttemptsError,
  isInvalidCredentialsError,
  isRefreshTokenReusedError,
  isForbiddenError,
  isIdentityInvalidInputError,
  isEmailTakenError,
} from './errors.ts';
export {
  AccountCreated,
  AccountCreatedDataSchema,
  AccountEmailVerified,
  AccountTierChanged,
  SignUpMethod,
  IDENTITY_EVENTS,
} from './events.ts';
export { Role, Tier, UserStatus, ROLES, TIERS, USER_STATUSES } from './users/user.ts';
export { normalizeEmail, MAX_EMAIL_LENGTH } from './users/email.ts';
export {
  MIN_PASSWORD_LENGTH,
  MAX_PASSWORD_LENGTH,
  PasswordRule,
  checkPassword,
} from './users/password-policy.ts';
export { createArgon2Hasher } from './users/password-hasher.ts';
export { DEFAULT_TIER_LIMITS, resolveTierTable } from './tiers/tiers.ts';
export { API_KEY_PREFIX, looksLikeApiKey } from './api-keys/api-key-format.ts';
export {
  throttleKeys,
  DEFAULT_MAX_FAILURES_PER_ACCOUNT,
  DEFAULT_MAX_FAILURES_PER_ADDRESS,
  DEFAULT_THROTTLE_WINDOW_MS,
} from './throttle/sign-in-throttle.ts';
export { createMemorySignInThrottle } from './throttle/memory-sign-in-throttle.ts';
export { createRedisSignInThrottle } from './throttle/redis-sign-in-throttle.ts';
export { createMemorySessionVersions } from './revocation/memory-session-versions.ts';
export { createRedisSessionVersions } from './revocation/redis-session-versions.ts';
export { createSqlSessionVersions } from './revocation/sql-session-versions.ts';
export { cacheSessionVersions } from './revocation/cached-session-versions.ts';
export { createInMemoryIdentityRepository } from './repository/memory/memory-identity-repository.ts';
export { createSqlIdentityRepository } from './repository/sql/sql-identity-repository.ts';
export {
  SignUpInputSchema,
  SignInInputSchema,
  CompleteMfaInputSchema,
  RefreshInputSchema,
  ChangePasswordInputSchema,
  TotpCodeInputSchema,
  EmailSchema,
} from './schemas/auth-schemas.ts';
export {
  CreateApiKeyInputSchema,
  ApiKeyIdParamsSchema,
  ApiKeyScopeSchema,
} from './schemas/api-key-schemas.ts';
export {
  ListUsersQuerySchema,
  UpdateUserInputSchema,
  UserIdParamsSchema,
  RoleSchema,
  TierSchema,
  UserStatusSchema,
} from './schemas/admin-schemas.ts';
export { OidcProviderParamsSchema, OidcStartQuerySchema, ReturnToSchema } from './schemas/oidc-schemas.ts';
// The response shapes are the identity wire contract, defined in @tickline/protocol.
export {
  PublicUserSchema,
  TokenPairSchema,
  SignedInSchema,
  MfaRequiredSchema,
  SignInResultSchema,
  ApiKeyInfoSchema,
  CreatedApiKeySchema,
  TotpEnrolmentSchema,
  RecoveryCodesSchema,
} from '@tickline/protocol';
export {
  identityRoutes,
  authenticateRequest,
  requireAuthentication,
  principalOf,
} from './http/identity-routes.ts';
export { requestOrigin } from './http/request-origin.ts';
export { summariseDevice } from './sign-ins/device-summary.ts';

export type { IdentityService } from './service/identity-service.ts';
export type { IdentityServiceOptions, ResolvedIdentityOptions } from './service/options.ts';
export type { Principal } from './service/principal.ts';
export type { TokenPair } from './service/sessions.ts';
export type { RequestOrigin, SignedIn, MfaRequired, SignInResult } from './service/accounts.ts';
export type { ApiKeyInfo } from './service/api-keys.ts';
export type { UserPage } from './service/admin.ts';
export type { TotpEnrolment } from './service/second-factor.ts';
export type { OidcStart, OidcSignInResult } from './service/oidc-sign-in.ts';
export type { OidcProviderOptions } from './oidc/oidc-provider-options.ts';
export type { IdentityErrorCode } from './errors.ts';
export type { AccountCreatedData } from './events.ts';
export type { PublicUser, UserRecord } from './users/user.ts';
export type { PasswordHasher, Argon2Options } from './users/password-hasher.ts';
export type { TierLimits, TierTable, TierOverrides } from './tiers/tiers.ts';
export type { TokenSigningOptions } from './tokens/token-keys.ts';
export type {
  SignInThrottle,
  ThrottleDecision,
  ThrottleKey,
  ThrottleLimits,
} from './throttle/sign-in-throttle.ts';
export type { MemorySignInThrottle, MemorySignInThrottleOptions } from './throttle/memory-sign-in-throttle.ts';
export type { RedisCommandClient, RedisSignInThrottleOptions } from './throttle/redis-sign-in-throttle.ts';
export type { PasswordHashingLimits } from './users/bounded-hasher.ts';
export type { SessionVersions } from './revocation/session-versions.ts';
export type { MemorySessionVersionsOptions } from './revocation/memory-session-versions.ts';
export type { RedisSessionVersionsOptions } from './revocation/redis-session-versions.ts';
export type { SqlSessionVersionsOptions } from './revocation/sql-session-versions.ts';
export type { CachedSessionVersionsOptions } from './revocation/cached-session-versions.ts';
export type {
  IdentityRepository,
  UserRepository,
  SessionRepository,
  ApiKeyRepository,
  TotpRepository,
  OidcRepository,
} from './repository/identity-repository.ts';
export type { InMemoryIdentityRepository } from './repository/memory/memory-identity-repository.ts';
export type { IdentitySql } from './repository/sql/identity-sql.ts';
export type { IdentityRoutesOptions } from './http/identity-routes.ts';
export type { IdentityHost, IdentityHostDeps, IdentityKeys, SharedRedis } from './module/identity-host.ts';
export type { InitialAdmin, InitialAdminOptions } from './module/initial-admin.ts';
export type { AuthSettings } from './config.ts';
