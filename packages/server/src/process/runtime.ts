/**
 * @module The process runtime: the services of a role, in a ServiceHost, plus the process-level
 * health that an uncaught error marks failed.
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

/** Options for {@link createRuntime}. */
export interface RuntimeOptions {
  config: ResolvedConfig;
  logger: Logger;
  metrics: Registry;
  /** Adds routes to the HTTP app before it listens. */
  configureHttp?: (app: FastifyInstance) => void | Promise<void>;
}

/** A built (not yet started) process. */
export interface Runtime {
  readonly host: ServiceHost;
  /** The main event log service. */
  readonly eventLog: EventLogService;
  readonly http: HttpService | undefined;
  /** The publisher (its `instance` exists once started), when the role has one. */
  readonly publisher: DeferredService<Publisher> | undefined;
  /** Every service's health, plus `process` once an uncaught error marked it failed. */
  health(): Record<string, ServiceHealth>;
  /** Records a fatal error; `/readyz` reports the process failed from now on. */
  markFailed(error: unknown): void;
}

/** Builds the services of `config.role` in start order. */
export function createRuntime(options: RuntimeOptions): Runtime {
  const { config, logger, metrics } = options;
  const host = new ServiceHost({ logger, shutdownTimeoutMs: config.shutdown.timeoutMs });
  let failure: string | undefined;
  const health = (): Record<string, ServiceHealth> => ({
    ...host.health(),
    ...(failure === undefined ? {} : { process: { status: ServiceStatus.Failed, detail: failure } }),
  });
  const openLog = (kind: LogKind) => (context: { logger: Logger }) =>
    openEventLog(config, kind, { logger: context.logger, metrics });
  const eventLog = createEventLogService(SharedService.EventLog, openLog(LogKind.Main));
  let http: HttpService | undefined;
  let publisher: DeferredService<Publisher> | undefined;
  const builders: Record<SharedService, () => Service> = {
    [SharedService.EventLog]: () => eventLog,
    [SharedService.DeadLetterLog]: () =>
      createEventLogService(SharedService.DeadLetterLog, openLog(LogKind.DeadLetter)),
    [SharedService.Publisher]: () => {
      publisher = createPublisherService({
        log: () => eventLog.log,
        spillDir: resolve(config.dataDir, 'spill'),
        maxQueuedEvents: config.publisher.maxQueuedEvents,
        metrics,
      });
      return publisher;
    },
    [SharedService.Http]: () => {
      http = createHttpService({
        host: config.http.host,
        port: config.http.port,
        bodyLimitBytes: config.http.bodyLimitBytes,
        metrics,
        health,
        ...(options.configureHttp ? { configure: options.configureHttp } : {}),
      });
      return http;
    },
  };
  for (const service of servicesFor(config.role)) host.add(builders[service]());
  return {
    host,
    eventLog,
    get http() {
      return http;
    },
    get publisher() {
      return publisher;
    },
    health,
    markFailed(error) {
      failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    },
  };
}
