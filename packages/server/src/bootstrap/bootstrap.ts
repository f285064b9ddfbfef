/**
 * @module `bootstrap(config)`: a role's process, started top to bottom — open the event log (and
 * the dead-letter log), start the publisher, open SQL, then each domain module's host in the
 * order of domains.ts with its channel delivery, then HTTP (the modules' sockets and routes, the
 * dashboard). Every step passes real, started objects to the next and registers what it started,
 * so the stop runs in reverse. A failing step stops what started and rejects naming the step.
 */
import { resolve } from 'node:path';
import {
  createConsumerFactory,
  createPublisher,
  createWorkerPublisher,
  type ConsumerFactory,
  type EventLog,
  type Publisher,
} from '@tickline/eventlog';
import type { IdentityHost } from '@tickline/identity';
import {
  ConnectionBudget,
  ServiceHost,
  ServiceStatus,
  systemClock,
  type Logger,
  type ModuleHost,
  type Registry,
  type ServiceHealth,
} from '@tickline/kernel';
import {
  createRedisConnectionCounter,
  forwardingRoutes,
  serveForwardedRoutes,
  type RealtimeHost,
} from '@tickline/realtime';
import { registerApiScope } from '../api/api-scope.ts';
import { cookieIsSecure } from '../api/session-cookie.ts';
import type { ResolvedConfig } from '../config/load.ts';
import { DOMAINS, type ServerModule } from '../domains.ts';
import { createHttpService, type HttpService } from '../process/http-service.ts';
import { installProcessHandlers } from '../process/process-handlers.ts';
import { createDrain } from '../process/drain.ts';
import { forwardedTo, modulesFor, ROLES, servicesFor, SharedService } from '../roles.ts';
import { registerWebApp } from '../web/web-plugin.ts';
import { routeTableOf, type RouteEntry } from '../http/route-scopes.ts';
import { maxConnections, openFilesLimit } from '../http/plugins/limits/connection-limits.ts';
import { loadAuthKeys } from '../wiring/auth-keys.ts';
import { createProcessEventRegistry } from '../wiring/event-registry.ts';
import { eventLogLocation, LogKind, natsLogOptions, openEventLog } from '../wiring/event-logs.ts';
import { openGameLog, type GameLog } from '../wiring/game-log.ts';
import { databaseLocation, openReadSql } from '../wiring/database.ts';
import { loadNodeId } from '../wiring/node-id.ts';
import { createSharedRedis, sessionCheckFor, sessionVersionsFor } from '../wiring/shared-redis.ts';
import { openRequestReply } from '../wiring/request-reply.ts';
import { openMigratedSql } from './open-sql.ts';
import {
  eventLogService,
  forwardedRoutesService,
  readReplicaService,
  requestReplyService,
  sqlService,
} from './process-services.ts';
import { channelDeliveryServices, channelSink } from './channel-delivery.ts';
import { createChannelRelay } from './channel-relay.ts';
import { createRateLimitService } from './rate-limit-service.ts';
import { createStartup } from './startup.ts';

/** Options for {@link bootstrap}. */
export interface BootstrapOptions {
  logger: Logger;
  metrics: Registry;
  /** Install SIGTERM/SIGINT and crash handlers on the process. @default true */
  handleSignals?: boolean;
  /** @default process.exit */
  exit?: (code: number) => void;
  /** The modules to run instead of the role's (tests). @default the role table's */
  modules?: readonly ServerModule[];
}

/** A started process. */
export interface RunningProcess {
  /** `http://localhost:PORT` (https with TLS configured), when the role serves HTTP. */
  readonly url: string | undefined;
  readonly host: ServiceHost;
  readonly eventLog: EventLog;
  /** Absent for roles that only produce. */
  readonly deadLetters: EventLog | undefined;
  readonly publisher: Publisher;
  /** The partitioned game log, when `eventlog.gamePartitions` is above 1 on a role that uses it. */
  readonly gameLog: GameLog | undefined;
  /** The modules' hosts, by module name. */
  readonly hosts: ReadonlyMap<string, ModuleHost>;
  /** Every service's health, plus `process` once an uncaught error marked it failed. */
  health(): Record<string, ServiceHealth>;
  /** Every HTTP route with its declared scope (empty when the role serves no HTTP). */
  routes(): RouteEntry[];
  /** Records a fatal error; `/readyz` reports the process failed from now on. */
  markFailed(error: unknown): void;
  /** Stops every service (what SIGTERM does, without exiting). */
  stop(): Promise<void>;
}

/**
 * Starts the process `config` describes. Rejects with SERVER_START_FAILED (`details.step`) after
 * stopping what started when a step fails.
 */
export async function bootstrap(config: ResolvedConfig, options: BootstrapOptions): Promise<RunningProcess> {
  const { logger, metrics } = options;
  const startedAt = Date.now();
  const role = config.role;
  const spec = ROLES[role];
  const wanted = new Set(servicesFor(role));
  const host = new ServiceHost({ logger, shutdownTimeoutMs: config.shutdown.timeoutMs });
  const startup = createStartup(host, logger);
  let failure: string | undefined;
  const drain = createDrain(config.shutdown.drainMs, logger);
  const health = (): Record<string, ServiceHealth> => ({
    ...host.health(),
    ...drain.health(),
    ...(failure === undefined ? {} : { process: { status: ServiceStatus.Failed, detail: failure } }),
  });
  const markFailed = (error: unknown) => {
    failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  };
  const removeHandlers =
    options.handleSignals === false
      ? () => {}
      : installProcessHandlers({
          logger,
          stop: () => host.stop(),
          drain: () => drain.run(),
          markFailed,
          shutdownTimeoutMs: config.shutdown.timeoutMs,
          ...(options.exit ? { exit: options.exit } : {}),
        });
  const modules = options.modules ?? (await Promise.all(modulesFor(role).map((domain) => domain.load())));
  // Domains this role serves by forwarding: their modules are loaded for the route table only.
  const forwarded = options.modules
    ? []
    : await Promise.all(
        Object.entries(spec.forward).map(async ([name, owner]) => ({
          module: await DOMAINS.find((domain) => domain.name === name)!.load(),
          owner,
        })),
      );
  logger.info(
    { role, services: [...wanted], modules: modules.map((m) => m.name), later: spec.pending },
    `starting role ${role}: ${spec.summary}`,
  );

  try {
    const openLog = async (name: string, kind: LogKind): Promise<EventLog> => {
      const log = await openEventLog(config, kind, { logger: logger.child({ service: name }), metrics });
      await startup.start(eventLogService(name, log));
      return log;
    };
    const eventLog = await startup.step(SharedService.EventLog, () =>
      openLog(SharedService.EventLog, LogKind.Main),
    );
    const deadLetters = wanted.has(SharedService.DeadLetterLog)
      ? await startup.step(SharedService.DeadLetterLog, () =>
          openLog(SharedService.DeadLetterLog, LogKind.DeadLetter),
        )
      : undefined;
    const { publisher, lane } = await startup.step(SharedService.Publisher, async () => {
      const common = {
        spillDir: resolve(config.dataDir, 'spill'),
        maxQueuedEvents: config.publisher.maxQueuedEvents,
        metrics,
        logger: logger.child({ service: SharedService.Publisher }),
      };
      if (config.publisher.thread === 'main') {
        const started = createPublisher({ ...common, log: eventLog });
        await startup.start(started);
        return { publisher: started, lane: undefined };
      }
      // In its worker the publisher opens its own connection to the log (the schema allows that
      // on NATS only) and also takes the modules' packed entries (trades as fields).
      const started = createWorkerPublisher({
        ...common,
        log: { engine: 'nats', options: natsLogOptions(config, LogKind.Main) },
        codecs: modules.flatMap((m) => m.packedCodecs ?? []),
      });
      await startup.start(started);
      return { publisher: started, lane: started };
    });
    const registry = await createProcessEventRegistry();
    // Zone events over N logs when the game log is partitioned (none opened otherwise).
    const gameLog = await startup.step('game-log', async (stepLogger) => {
      const opened = await openGameLog(config, {
        logger: stepLogger,
        metrics,
        deadLetters,
        registry,
        open: async (index) => {
          const log = await openEventLog(config, { gamePartition: index }, { logger: stepLogger, metrics });
          await startup.start(eventLogService(`eventlog-game-${index}`, log));
          return log;
        },
      });
      if (opened) await startup.start(opened);
      return opened;
    });
    // Requests for state another role owns (zones, live strategies) go to its process.
    const rpc =
      modules.length > 0
        ? await startup.step('rpc', async (stepLogger) => {
            const opened = await openRequestReply(config, stepLogger);
            await startup.start(requestReplyService(opened));
            return opened;
          })
        : undefined;
    // A role's database is for its modules: none run, none opened.
    const sql =
      wanted.has(SharedService.Sql) && modules.length > 0
        ? await startup.step(SharedService.Sql, async (stepLogger) => {
            const opened = await openMigratedSql(config, { logger: stepLogger, metrics });
            await startup.start(sqlService(opened, databaseLocation(config), await opened.health()));
            return opened;
          })
        : undefined;
    // Read-only queries: the replica at database.readUrl, else the same primary.
    const reads = sql
      ? await startup.step('sql-replica', async (stepLogger) => {
          const opened = await openReadSql(config, sql, { logger: stepLogger, metrics });
          if (opened.replicated) await startup.start(readReplicaService(opened));
          return opened;
        })
      : undefined;

    // One budget of connections for every listener of the process (HTTP and the game's TCP port),
    // so that together they leave `http.connections.reservedFds` descriptors for its own work.
    const connectionBudget = new ConnectionBudget(maxConnections(config.http.connections, openFilesLimit()));
    const hosts = new Map<string, ModuleHost>();
    if (modules.length > 0 && !sql)
      await startup.step('modules', () => {
        throw new Error(`role ${role} runs modules but opens no database; add sql to its services`);
      });
    if (modules.length > 0) {
      const keys = await startup.step('auth-keys', async (stepLogger) => {
        const loaded = await loadAuthKeys(config);
        if (loaded.source.kind === 'file' && loaded.source.created)
          stepLogger.info({ file: loaded.source.file }, 'generated the auth secret (keep it with the data)');
        return loaded;
      });
      const nodeId = config.eventlog.engine === 'nats' ? await loadNodeId(config.dataDir) : undefined;
      const redisUrl = config.redis.url;
      const redis =
        redisUrl === undefined
          ? undefined
          : await startup.step('redis', async (stepLogger) => {
              const started = createSharedRedis({ ...config.redis, url: redisUrl }, stepLogger);
              await startup.start(started);
              return started.redis;
            });
      // One store for every module of the process: identity bumps it, game and realtime check it.
      const sessionVersions = sessionVersionsFor(redis, sql, systemClock);
      // Streams per user count across every gateway on the same connection (memory without Redis).
      const streamConnections = redis ? createRedisConnectionCounter(redis) : undefined;
      // What every module may take; each declares the part it needs, and the hosts of the
      // modules before it arrive under their names.
      const deps: Record<string, unknown> = {
        role,
        config,
        dataDir: config.dataDir,
        metrics,
        clock: systemClock,
        eventLog,
        deadLetters,
        publisher,
        lane,
        gameLog,
        sql,
        reads,
        rpc,
        // Which domains this process reaches on their owners, and which it owns for gateways.
        forwarding: options.modules ? undefined : { owners: spec.forward, answers: forwardedTo(role) },
        keys,
        streamConnections,
        connectionBudget,
        redis,
        sessionVersions,
        sessionCheck: sessionCheckFor(sessionVersions, logger),
        secureCookies: cookieIsSecure(config.http.publicUrl, config.http.tls.certFile !== undefined),
        publicUrl: config.http.publicUrl,
        consumers: createConsumerFactory({
          log: eventLog,
          deadLetters,
          metrics,
          registry,
        }),
        // Several gateways share one NATS log: real-time frames fan out over a log of their own.
        fanout:
          nodeId === undefined
            ? undefined
            : {
                nodeId,
                open: () =>
                  openEventLog(config, LogKind.Realtime, {
                    logger: logger.child({ service: 'realtime' }),
                    metrics,
                  }),
              },
      };
      /**
       * Registers `module`'s channel rules with this process's hub, when it has one, and on one
       * process runs its delivery into the hub; with several (NATS) the channel relay delivers.
       */
      const startDelivery = async (module: ServerModule, built: ModuleHost, stepLogger: Logger) => {
        const realtime = deps.realtime as RealtimeHost | undefined;
        const delivery = realtime ? module.channels?.(built) : undefined;
        if (!realtime || !delivery) return;
        if (delivery.rules) realtime.addChannelRules(delivery.rules);
        if (nodeId !== undefined) return;
        await startup.start(
          ...channelDeliveryServices({
            delivery,
            // On one process the hub is the only one: relaying would have nobody to reach.
            sink: channelSink(realtime, stepLogger, { relay: false }),
            consumers: deps.consumers as ConsumerFactory,
          }),
        );
      };
      for (const module of modules) {
        const moduleHost = await startup.step(module.name, async (stepLogger) => {
          for (const before of module.after)
            if (modules.some((m) => m.name === before) && !hosts.has(before))
              throw new Error(`module ${module.name} must start after ${before}`);
          const settings = module.config ? (config as Record<string, unknown>)[module.config.key] : undefined;
          const hub = deps.realtime as RealtimeHost | undefined;
          // Live-only events (derived, superseded within a second) go straight to this process's hub.
          const liveSink = hub ? channelSink(hub, stepLogger, { relay: true }) : undefined;
          const built: ModuleHost = await module.createHost({
            ...deps,
            liveSink,
            liveState: hub?.liveState,
            settings,
            logger: stepLogger,
          });
          await startup.start(...built.services);
          await startDelivery(module, built, stepLogger);
          return built;
        });
        hosts.set(module.name, moduleHost);
        deps[module.name] = moduleHost;
      }
      // A forwarded domain's events still reach this gateway's browsers: its channel rules are
      // here, over the shared database only (strategy's signal-channel rules read it).
      for (const { module } of forwarded)
        if (module.channels)
          await startup.step(`${module.name}-delivery`, (stepLogger) =>
            startDelivery(module, { services: [], sql, reads } as ModuleHost, stepLogger),
          );
      if (spec.relay && nodeId !== undefined)
        await startup.step('channel-relay', async (stepLogger) => {
          const relayLog = await openLog('channel-relay-log', LogKind.Realtime);
          const relay = createChannelRelay({
            log: relayLog,
            nodeId,
            dataDir: config.dataDir,
            metrics,
            logger: stepLogger,
          });
          await startup.start(relay.publisher);
          // Every domain's delivery, those whose module does not run here too (strategy's on
          // platform: its delivery needs only the shared database).
          for (const domain of DOMAINS) {
            const module = modules.find((m) => m.name === domain.name) ?? (await domain.load());
            const built = hosts.get(module.name) ?? ({ services: [], sql, reads } as ModuleHost);
            const delivery = module.channels?.(built);
            if (delivery)
              await startup.start(
                ...channelDeliveryServices({
                  delivery,
                  sink: relay.sink,
                  consumers: deps.consumers as ConsumerFactory,
                  // A first relay starts where this process did, not at the head: the modules above
                  // may have published already (the snapshot of an account made before the start).
                  start: { from: 'time', time: startedAt },
                }),
              );
          }
          stepLogger.info(
            { log: relayLog.name },
            'channel relay: deliveries onto the real-time delivery log',
          );
        });
    }

    let apiApp: Parameters<NonNullable<Parameters<typeof createHttpService>[0]['configure']>>[0] | undefined;
    const http = wanted.has(SharedService.Http)
      ? await startup.step(SharedService.Http, async (stepLogger) => {
          const identity = hosts.get('identity') as IdentityHost | undefined;
          const limiter = identity
            ? createRateLimitService(config, { identity: identity.identity, logger: stepLogger, metrics })
            : undefined;
          if (limiter) await startup.start(limiter);
          const service: HttpService = createHttpService({
            host: config.http.host,
            port: config.http.port,
            reusePort: config.http.reusePort,
            bodyLimitBytes: config.http.bodyLimitBytes,
            maxHeaderBytes: config.http.maxHeaderBytes,
            trustProxy: config.http.trustProxy,
            admin: config.admin.listen,
            cors: config.http.cors,
            docs: config.http.docs,
            tls: config.http.tls,
            timeouts: config.http.timeouts,
            connections: config.http.connections,
            connectionBudget,
            metrics,
            health,
            draining: () => drain.draining(),
            // Where this process's pages connect besides itself (zones on game processes).
            connectSources: () => [...hosts.values()].flatMap((h) => h.connectSources?.() ?? []),
            async configure(app) {
              apiApp = app;
              const served = new Set<string>(spec.api);
              const routes = [];
              for (const module of modules) {
                const moduleHost = hosts.get(module.name)!;
                const sockets = module.sockets?.(moduleHost);
                if (sockets) await app.register(sockets);
                const plugin =
                  served.has(module.name) || options.modules ? module.routes?.(moduleHost) : undefined;
                if (plugin) routes.push(plugin);
              }
              for (const { module, owner } of forwarded) {
                const plugin = rpc ? forwardingRoutes(module, { rpc, owner }) : undefined;
                if (plugin) routes.push(plugin);
              }
              if (routes.length > 0)
                await registerApiScope(app, {
                  secureCookies: cookieIsSecure(
                    config.http.publicUrl,
                    config.http.tls.certFile !== undefined,
                  ),
                  plugins: routes,
                  limiter: limiter?.limiter,
                  authorize: identity
                    ? (request, scope) => identity.auth.authorize(request, scope)
                    : undefined,
                  gateway: (hosts.get('realtime') as RealtimeHost | undefined)?.gateway,
                });
              // The dashboard on the same port; its wildcard route yields to every route above.
              if (spec.web && !options.modules) await registerWebApp(app);
            },
          });
          await startup.start(service);
          return service;
        })
      : undefined;

    const answers = forwardedTo(role);
    if (apiApp && rpc && answers.length > 0 && !options.modules) {
      const app = apiApp;
      await startup.step('http-forwarded', () =>
        startup.start(forwardedRoutesService(() => serveForwardedRoutes(app, rpc, answers), answers)),
      );
    }

    const port = http?.port;
    const url = port === undefined ? undefined : `${http?.tls ? 'https' : 'http'}://localhost:${port}`;
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
      url,
      host,
      eventLog,
      deadLetters,
      publisher,
      gameLog,
      hosts,
      health,
      markFailed,
      routes: () => (apiApp ? routeTableOf(apiApp) : []),
      async stop() {
        await host.stop();
        removeHandlers();
      },
    };
  } catch (error) {
    removeHandlers();
    throw error;
  }
}
