/**
 * @module `tickline start`: build the role's services, install the signal and crash handlers,
 * start everything, and say where it listens and where data lives.
 */
import { resolve } from 'node:path';
import type { Logger, Registry } from '@tickline/kernel';
import type { FastifyInstance } from 'fastify';
import type { ResolvedConfig } from '../config/load.ts';
import { componentsFor, ROLES, servicesFor } from '../roles.ts';
import { eventLogLocation, LogKind } from '../wiring/event-logs.ts';
import { installProcessHandlers } from './process-handlers.ts';
import { createRuntime, type Runtime, type RuntimeOptions } from './runtime.ts';

/** Options for {@link startProcess}. */
export interface StartProcessOptions {
  config: ResolvedConfig;
  logger: Logger;
  metrics: Registry;
  /** Install SIGTERM/SIGINT and crash handlers on the process. @default true */
  handleSignals?: boolean;
  /** @default process.exit */
  exit?: (code: number) => void;
  configureHttp?: (app: FastifyInstance) => void | Promise<void>;
  /** Domain services; see {@link RuntimeOptions.components}. */
  components?: RuntimeOptions['components'];
}

/** A started process. */
export interface RunningProcess {
  runtime: Runtime;
  /** `http://localhost:PORT` (https with TLS configured), when the role serves HTTP. */
  url: string | undefined;
  /** Stops every service (what SIGTERM does, without exiting). */
  stop(): Promise<void>;
}

/**
 * Starts the process described by `config`. Rejects (after stopping what started) when a
 * service fails to start.
 */
export async function startProcess(options: StartProcessOptions): Promise<RunningProcess> {
  const { config, logger } = options;
  const runtime = createRuntime({
    config,
    logger,
    metrics: options.metrics,
    ...(options.configureHttp ? { configureHttp: options.configureHttp } : {}),
    ...(options.components ? { components: options.components } : {}),
  });
  const removeHandlers =
    options.handleSignals === false
      ? () => {}
      : installProcessHandlers({
          logger,
          stop: () => runtime.host.stop(),
          markFailed: (error) => runtime.markFailed(error),
          shutdownTimeoutMs: config.shutdown.timeoutMs,
          ...(options.exit ? { exit: options.exit } : {}),
        });
  const role = ROLES[config.role];
  logger.info(
    {
      role: config.role,
      services: servicesFor(config.role),
      components: componentsFor(config.role),
      later: role.pending,
    },
    `starting role ${config.role}: ${role.summary}`,
  );
  try {
    await runtime.host.start();
  } catch (error) {
    removeHandlers();
    throw error;
  }
  const port = runtime.http?.port;
  const url = port === undefined ? undefined : `${runtime.http?.tls ? 'https' : 'http'}://localhost:${port}`;
  logger.info(
    {
      url,
      dataDir: resolve(config.dataDir),
      eventlog: eventLogLocation(config, LogKind.Main).text,
      deadLetters: eventLogLocation(config, LogKind.DeadLetter).text,
    },
    url === undefined ? 'tickline started' : `tickline listening on ${url}`,
  );
  return {
    runtime,
    url,
    async stop() {
      await runtime.host.stop();
      removeHandlers();
    },
  };
}
