/** @module The HTTP server as a service: listens on start, drains in-flight requests on stop. */
import {
  ServiceStatus,
  type ConnectionBudget,
  type Registry,
  type Service,
  type ServiceHealth,
} from '@tickline/kernel';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { createHttpApp, type TrustProxy } from '../http/app.ts';
import { createAdminApp, createAdminMark, hideAdminPaths, type AdminListen } from './admin-listener.ts';
import type { CorsOptions } from '../http/plugins/security/cors.ts';
import type { ConnectionLimits } from '../http/plugins/limits/connection-limits.ts';
import { DEFAULT_PRE_AUTH_TIMEOUTS, type PreAuthTimeouts } from '../http/plugins/limits/pre-auth-limits.ts';
import { closeConnectionsWhileDraining } from './drain.ts';
import { readTlsCredentials, type TlsFiles } from '../http/plugins/security/tls-options.ts';

/** Options for {@link createHttpService}. */
export interface HttpServiceOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** SO_REUSEPORT: other processes may listen on the same port (Linux). @default false */
  reusePort?: boolean;
  bodyLimitBytes: number;
  /** @default 16 KiB */
  maxHeaderBytes?: number;
  /** @default false */
  trustProxy?: TrustProxy;
  /** @default no CORS */
  cors?: CorsOptions;
  /** Serve /api/openapi.json and /api/docs. @default true */
  docs?: boolean;
  /** Deadlines before authentication. @default 10 s each */
  timeouts?: Partial<PreAuthTimeouts>;
  /** Caps on open connections per address and in all. */
  connections?: Partial<ConnectionLimits>;
  /** The process's connection budget, shared with the game's TCP port. @default the server's own */
  connectionBudget?: ConnectionBudget;
  /** HTTPS when both files are given; read at start. */
  tls?: TlsFiles;
  metrics: Registry;
  health: () => Record<string, ServiceHealth>;
  /** Serve /metrics, the API docs and source maps on this address only. @default on the main port */
  admin?: AdminListen | undefined;
  /** Origins the dashboard connects to besides its own (see HttpAppOptions.connectSources). */
  connectSources?: () => readonly string[];
  /** While true, every response closes its connection (the drain before a stop, drain.ts). */
  draining?: () => boolean;
  /** Adds routes before the server listens (domain packages, tests). */
  configure?: (app: FastifyInstance) => void | Promise<void>;
}

/** The HTTP service. */
export interface HttpService extends Service {
  /** The port actually bound (useful with port 0); undefined until listening. */
  readonly port: number | undefined;
  /** Whether it serves HTTPS. */
  readonly tls: boolean;
  /** The admin listener's port, when `admin` is set. */
  readonly adminPort: number | undefined;
}

export function createHttpService(options: HttpServiceOptions): HttpService {
  let app: FastifyInstance | undefined;
  let adminApp: FastifyInstance | undefined;
  let port: number | undefined;
  let adminPort: number | undefined;
  let state: ServiceStatus = ServiceStatus.Starting;
  const tlsConfigured = options.tls?.certFile !== undefined;
  return {
    name: 'http',
    get port() {
      return port;
    },
    get adminPort() {
      return adminPort;
    },
    tls: tlsConfigured,
    async start(context) {
      const tls = options.tls ? readTlsCredentials(options.tls) : undefined;
      app = createHttpApp({
        logger: context.logger,
        metrics: options.metrics,
        health: options.health,
        bodyLimitBytes: options.bodyLimitBytes,
        ...(options.maxHeaderBytes === undefined ? {} : { maxHeaderBytes: options.maxHeaderBytes }),
        ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
        ...(options.cors ? { cors: options.cors } : {}),
        ...(options.docs === false ? { docs: false as const } : {}),
        ...(tls ? { tls } : {}),
        ...(options.timeouts ? { timeouts: options.timeouts } : {}),
        ...(options.connections ? { connections: options.connections } : {}),
        ...(options.connectionBudget ? { connectionBudget: options.connectionBudget } : {}),
        ...(options.connectSources ? { connectSources: options.connectSources } : {}),
      });
      const mark = options.admin ? createAdminMark() : undefined;
      if (mark) hideAdminPaths(app, mark);
      if (options.draining) closeConnectionsWhileDraining(app, options.draining);
      await options.configure?.(app);
      await app.listen({
        host: options.host,
        port: options.port,
        // Node ≥ 22.12 passes it to the socket; Fastify forwards listen options as they are.
        ...(options.reusePort ? { reusePort: true } : {}),
        listenTextResolver: () => (tls ? 'https server listening' : 'http server listening'),
      });
      port = (app.server.address() as AddressInfo).port;
      if (options.admin && mark) {
        adminApp = createAdminApp(app, mark, {
          ...DEFAULT_PRE_AUTH_TIMEOUTS,
          ...options.timeouts,
        });
        await adminApp.listen({ host: options.admin.host, port: options.admin.port });
        adminPort = (adminApp.server.address() as AddressInfo).port;
        context.logger.info(
          { host: options.admin.host, port: adminPort },
          'admin listener: /metrics, /api/docs',
        );
      }
      state = ServiceStatus.Up;
    },
    async stop() {
      state = ServiceStatus.Stopping;
      await adminApp?.close();
      await app?.close();
      state = ServiceStatus.Stopped;
    },
    health(): ServiceHealth {
      return { status: state, ...(port === undefined ? {} : { info: { port } }) };
    },
  };
}
