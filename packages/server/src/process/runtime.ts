/**
 * @module The process runtime: the services of a role in a ServiceHost — event logs, publisher,
 * domain components, HTTP last (so it stops first) — plus the process-level health that an
 * uncaught error marks failed.
 */
import { resolve } from 'node:path';
import type { Publisher } from '@tickline/eventlog';
import {
  ServiceHost,
  ServiceStatus,
  type Logger,
  type Registry,
  type Service,
  type ServiceHealth,
} from '@tickline/kernel';
import type { FastifyInstance } from 'fastify';
import type { ResolvedConfig } from '../config/load.ts';
import { servicesFor, SharedService } from '../roles.ts';
import { LogKind, openEventLog } from '../wiring/event-logs.ts';
import { createPublisherService } from '../wiring/publisher.ts';
import type { DeferredService } from './deferred-service.ts';
import { createEventLogService, type EventLogService } from './event-log-service.ts';
import { createHttpService, type HttpService } from './http-service.ts';

/** What domain components are built from. Logs and publisher are usable once started. */
export interface SharedServices {
  config: ResolvedConfig;
  metrics: Registry;
  eventLog: EventLogService;
  /** Absent for roles that only produce. */
  deadLetterLog: EventLogService | undefined;
  publisher: DeferredService<Publisher> | undefined;
}

/** Options for {@link createRuntime}. */
export interface RuntimeOptions {
  config: ResolvedConfig;
  logger: Logger;
  metrics: Registry;
  /**
   * Domain services (consumers, zones, collectors), started after the shared services and
   * before HTTP, stopped in reverse.
   */
  components?: (shared: SharedServices) => Service[];
  /** Adds routes to the HTTP app before it listens. */
  configureHttp?: (app: FastifyInstance) => void | Promise<void>;
}

/** A built (not yet started) process. */
export interface Runtime extends SharedServices {
  readonly host: ServiceHost;
  readonly http: HttpService | undefined;
  /** Every service's health, plus `process` once an uncaught error marked it failed. */
  health(): Record<string, ServiceHealth>;
  /** Records a fatal error; `/readyz` reports the process failed from now on. */
  markFailed(error: unknown): void;
}

/** Builds the services of `config.role` in start order. */
export function createRuntime(options: RuntimeOptions): Runtime {
  const { config, logger, metrics } = options;
  const wanted = new Set(servicesFor(config.role));
  const host = new ServiceHost({ logger, shutdownTimeoutMs: config.shutdown.timeoutMs });
  let failure: string | undefined;
  const health = (): Record<string, ServiceHealth> => ({
    ...host.health(),
    ...(failure === undefined ? {} : { process: { status: ServiceStatus.Failed, detail: failure } }),
  });
  const logService = (name: string, kind: LogKind) =>
    createEventLogService(name, (context) => openEventLog(config, kind, { logger: context.logger, metrics }));

  const shared: SharedServices = {
    config,
    metrics,
    eventLog: logService(SharedService.EventLog, LogKind.Main),
    deadLetterLog: wanted.has(SharedService.DeadLetterLog)
      ? logService(SharedService.DeadLetterLog, LogKind.DeadLetter)
      : undefined,
    publisher: undefined,
  };
  if (wanted.has(SharedService.Publisher)) {
    shared.publisher = createPublisherService({
      log: () => shared.eventLog.log,
      spillDir: resolve(config.dataDir, 'spill'),
      maxQueuedEvents: config.publisher.maxQueuedEvents,
      metrics,
    });
  }
  const http = wanted.has(SharedService.Http)
    ? createHttpService({
        host: config.http.host,
        port: config.http.port,
        bodyLimitBytes: config.http.bodyLimitBytes,
        maxHeaderBytes: config.http.maxHeaderBytes,
        trustProxy: config.http.trustProxy,
        cors: config.http.cors,
        docs: config.http.docs,
        tls: config.http.tls,
        metrics,
        health,
        ...(options.configureHttp ? { configure: options.configureHttp } : {}),
      })
    : undefined;

  for (const service of [shared.eventLog, shared.deadLetterLog, shared.publisher])
    if (service) host.add(service);
  for (const component of options.components?.(shared) ?? []) host.add(component);
  if (http) host.add(http);

  return {
    ...shared,
    host,
    http,
    health,
    markFailed(error) {
      failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    },
  };
}
