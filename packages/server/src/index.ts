/**
 * @module @tickline/server — the `tickline` process: config schema and loading, the domain list
 * and the role table, the ordered bootstrap, the HTTP gateway, and the command line.
 */
export { TicklineConfigSchema, RoleName } from './config/schema.ts';
export { loadTicklineConfig, CONFIG_FILE_ENV } from './config/load.ts';
export { ROLES, SharedService, servicesFor, modulesFor } from './roles.ts';
export { DOMAINS } from './domains.ts';
export { bootstrap } from './bootstrap/bootstrap.ts';
export { createProcessEventRegistry, loadProcessEvents } from './wiring/event-registry.ts';
export { SESSION_COOKIE } from './api/session-cookie.ts';
export { createHttpApp } from './http/app.ts';
export { rateLimitPlugin } from './http/plugins/rate-limit/rate-limit-plugin.ts';
export { createRateLimiter, RateLimitSubjectKind } from './http/plugins/rate-limit/rate-limiter.ts';
export {
  createConfiguredRateLimiter,
  createRateLimitStoreFor,
} from './http/plugins/rate-limit/configured-rate-limiter.ts';
export { createMemoryRateLimitStore } from './http/plugins/rate-limit/memory-rate-limit-store.ts';
export { createRedisRateLimitStore } from './http/plugins/rate-limit/redis-rate-limit-store.ts';
export { OPENAPI_JSON_PATH, DOCS_PATH } from './http/plugins/openapi/openapi-plugin.ts';
export { runCli, TICKLINE_COMMANDS } from './cli/program.ts';
export { ServerErrorCodes, ServerError, isLogInUseError, isStartFailedError } from './errors.ts';

export type { TicklineConfig } from './config/schema.ts';
export type { ResolvedConfig, LoadTicklineConfigOptions } from './config/load.ts';
export type { RoleSpec } from './roles.ts';
export type { DomainEntry, DomainName, ServerModule } from './domains.ts';
export type { BootstrapOptions, RunningProcess } from './bootstrap/bootstrap.ts';
export type { HttpService } from './process/http-service.ts';
export type { HttpAppOptions } from './http/app.ts';
export type { ErrorBody } from './http/error-handler.ts';
export type { RateLimitRule, RateLimitDecision } from './http/plugins/rate-limit/gcra.ts';
export type { RateLimitStore } from './http/plugins/rate-limit/rate-limit-store.ts';
export type {
  RateLimiter,
  RateLimiterOptions,
  RateLimitPrincipal,
  ResolveRateLimitPrincipal,
  RateLimitOutcome,
} from './http/plugins/rate-limit/rate-limiter.ts';
export type { RateLimitPluginOptions } from './http/plugins/rate-limit/rate-limit-plugin.ts';
export type {
  ConfiguredRateLimiter,
  ConfiguredRateLimiterDeps,
} from './http/plugins/rate-limit/configured-rate-limiter.ts';
export type {
  RedisRateLimitStore,
  RedisRateLimitStoreOptions,
} from './http/plugins/rate-limit/redis-rate-limit-store.ts';
export type { OpenApiOptions } from './http/plugins/openapi/openapi-plugin.ts';
export type { CorsOptions } from './http/plugins/security/cors.ts';
export type { TlsCredentials, TlsFiles } from './http/plugins/security/tls-options.ts';
export type { ServerErrorCode } from './errors.ts';
