/** @module The HTTP server as a service: listens on start, drains in-flight requests on stop. */
import { ServiceStatus, type Registry, type Service, type ServiceHealth } from '@tickline/kernel';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { createHttpApp } from '../http/app.ts';

/** Options for {@link createHttpService}. */
export interface HttpServiceOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  bodyLimitBytes: number;
  metrics: Registry;
  health: () => Record<string, ServiceHealth>;
  /** Adds routes before the server listens (domain packages, tests). */
  configure?: (app: FastifyInstance) => void | Promise<void>;
}

/** The HTTP service. */
export interface HttpService extends Service {
  /** The port actually bound (useful with port 0); undefined until listening. */
  readonly port: number | undefined;
}

export function createHttpService(options: HttpServiceOptions): HttpService {
  let app: FastifyInstance | undefined;
  let port: number | undefined;
  let state: ServiceStatus = ServiceStatus.Starting;
  return {
    name: 'http',
    get port() {
      return port;
    },
    async start(context) {
      app = createHttpApp({
        logger: context.logger,
        metrics: options.metrics,
        health: options.health,
        bodyLimitBytes: options.bodyLimitBytes,
      });
      await options.configure?.(app);
      await app.listen({
        host: options.host,
        port: options.port,
        listenTextResolver: () => 'http server listening',
      });
      port = (app.server.address() as AddressInfo).port;
      state = ServiceStatus.Up;
    },
    async stop() {
      state = ServiceStatus.Stopping;
      await app?.close();
      state = ServiceStatus.Stopped;
    },
    health(): ServiceHealth {
      return { status: state, ...(port === undefined ? {} : { info: { port } }) };
    },
  };
}
