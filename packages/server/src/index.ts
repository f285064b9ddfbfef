/**
 * @module @tickline/server — the `tickline` process: config schema and loading, roles, the
 * runtime wiring the shared services, the HTTP app, and the command line.
 */
export { TicklineConfigSchema, RoleName } from './config/schema.ts';
export { loadTicklineConfig, CONFIG_FILE_ENV } from './config/load.ts';
export { ROLES, SharedService, servicesFor } from './roles.ts';
export { createRuntime } from './process/runtime.ts';
export { createConsumerService } from './wiring/consumer.ts';
export { startProcess } from './process/start-process.ts';
export { createHttpApp } from './http/app.ts';
export { runCli } from './cli/program.ts';
export { ServerErrorCodes, ServerError, isInvalidArgumentError, isLogInUseError } from './errors.ts';
export { ExitCode } from './exit-code.ts';

export type { TicklineConfig } from './config/schema.ts';
export type { ResolvedConfig, LoadTicklineConfigOptions } from './config/load.ts';
export type { RoleSpec } from './roles.ts';
export type { Runtime, RuntimeOptions, SharedServices } from './process/runtime.ts';
export type { ConsumerServiceOptions } from './wiring/consumer.ts';
export type { DeferredService } from './process/deferred-service.ts';
export type { EventLogService } from './process/event-log-service.ts';
export type { HttpService } from './process/http-service.ts';
export type { RunningProcess, StartProcessOptions } from './process/start-process.ts';
export type { HttpAppOptions } from './http/app.ts';
export type { ErrorBody } from './http/error-handler.ts';
export type { CliIo } from './cli/io.ts';
export type { CliOutcome } from './cli/program.ts';
export type { ServerErrorCode } from './errors.ts';
