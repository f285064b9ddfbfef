/**
 * @module @tickline/kernel — what every package shares: the event envelope and its codec, ids,
 * the clock, errors with stable codes, logging, metrics, the correlation context, lifecycle and
 * config loading (file + TICKLINE_* environment, validated, frozen, redactable).
 */
export {
  TicklineError,
  isTicklineError,
  errorGuard,
  defineErrorCodes,
  describeErrorCode,
  isUnavailableError,
  listErrorCodes,
  clientView,
  isStoreCode,
  type ClientView,
  KernelErrorCodes,
  EventMalformedError,
  EventVersionUnsupportedError,
  EventUnknownTypeError,
  EventInvalidError,
  ConfigInvalidError,
  isEventMalformedError,
  isEventVersionUnsupportedError,
  isEventUnknownTypeError,
  isEventInvalidError,
  isConfigInvalidError,
  isEventDecodeError,
} from './errors/index.ts';
export { uuidv7, uuidv7Time, isUuid } from './ids/uuidv7.ts';
export { systemClock, ManualClock } from './clock/clock.ts';
export { threadCpuMicros } from './clock/thread-cpu.ts';
export { withTimeout } from './async/with-timeout.ts';
export { perTurn, type PerTurnOptions } from './async/per-turn.ts';
export { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './files/private-modes.ts';
export {
  createSecretBox,
  generateSecretKey,
  SecretBoxConfigSchema,
  SecretBoxError,
} from './crypto/secret-box.ts';
export {
  withCorrelation,
  enterCorrelation,
  currentCorrelation,
  countSqlStatement,
} from './context/correlation.ts';
export { claimUpgrade, isUpgradeClaimed } from './http/upgrade-claim.ts';
export { clientAddressKey } from './http/client-address.ts';
export { ConnectionBudget } from './http/connection-budget.ts';
export type { BudgetedSocket } from './http/connection-budget.ts';
export { OPERATION_RATE_LIMIT } from './http/operation-rate-limit.ts';
export type { OperationRateLimit } from './http/operation-rate-limit.ts';
export {
  CLOUDEVENTS_SPECVERSION,
  canonicalDataschema,
  dataschemaFor,
  upgradeEnvelope,
} from './events/envelope.ts';
export { defineEvent, EventRegistry } from './events/registry.ts';
export { encodeEvent, decodeEvent, EVENT_ENCODING_VERSION } from './events/codec.ts';
export { createEventSource } from './events/event-source.ts';
export { createLogger, silentLogger } from './logging/logger.ts';
export { LogFormat, resolveLogFormat } from './logging/log-format.ts';
export {
  createMetricsRegistry,
  getOrCreateMetric,
  Counter,
  Gauge,
  Histogram,
  Registry,
} from './metrics/metrics.ts';
export { ServiceStatus } from './lifecycle/service.ts';
export { ServiceHost, DEFAULT_SHUTDOWN_TIMEOUT_MS } from './lifecycle/service-host.ts';
export { createBeatService } from './lifecycle/beat-service.ts';
export {
  loadConfig,
  readConfigFile,
  listConfigFields,
  envNameFor,
  ConfigFieldKind,
  redactSecrets,
  redactUrlCredentials,
  isSecretKey,
  REDACTED,
  deepFreeze,
} from './config/index.ts';
export { defineModule } from './module/domain-module.ts';
export { createPrivateFile, readOrCreatePrivateFile, secretsPath } from './files/private-files.ts';

export type {
  TicklineErrorOptions,
  ErrorDescription,
  ErrorCatalogue,
  KernelErrorCode,
} from './errors/index.ts';
export type { Clock } from './clock/clock.ts';
export type { SecretBox, SecretBoxConfig } from './crypto/secret-box.ts';
export type { CorrelationContext, RequestWork } from './context/correlation.ts';
export type { EventEnvelope } from './events/envelope.ts';
export type { EventDefinition, DefineEventOptions } from './events/registry.ts';
export type { DecodeEventOptions } from './events/codec.ts';
export type { EventSource, EventSourceOptions, NewEvent } from './events/event-source.ts';
export type { Logger, CreateLoggerOptions } from './logging/logger.ts';
export type { MetricsRegistryOptions } from './metrics/metrics.ts';
export type { Service, ServiceContext, ServiceHealth } from './lifecycle/service.ts';
export type { ServiceHostOptions } from './lifecycle/service-host.ts';
export type { BeatServiceOptions } from './lifecycle/beat-service.ts';
export type { PrivateFile } from './files/private-files.ts';
export type {
  LoadConfigOptions,
  ConfigOverride,
  ConfigOrigin,
  ConfigField,
  ConfigProblem,
  DeepReadonly,
} from './config/index.ts';
export type {
  DomainModule,
  ModuleConfigSection,
  ModuleBaseDeps,
  ModuleHost,
  ChannelMessage,
  ChannelSink,
  ChannelAccessRule,
  ChannelDelivery,
  ChannelSubscriber,
  ChannelDeliveryHandler,
} from './module/domain-module.ts';
export type { Caller, RequestAuth } from './module/request-auth.ts';
