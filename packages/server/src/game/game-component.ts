/**
 * @module Game zones as a service of the process: one {@link ZoneRunner} per configured zone, the
 * session layer, the TCP transport (when `game.tcp.port` is set) and the WebSocket transport
 * (mounted on the HTTP server by {@link GameComponent.attachHttp}), and the coordinator that hands
 * out join tokens for them. Zone events go to the process publisher, never awaited. Each zone is
 * recovered at start (hot snapshot → cold snapshot → log replay) and snapshotted while it runs.
 */
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import type { EventLog, Publisher } from '@tickline/eventlog';
import type { ZoneCoordinator } from '@tickline/game';
import {
  CloseCode,
  GameSessionError,
  GameSessions,
  ObstacleMap,
  TcpTransport,
  WsTransport,
  ZoneRunner,
  type ZoneEntry,
  type ZoneOptions,
} from '@tickline/game';
import {
  ServiceStatus,
  systemClock,
  type Registry,
  type Service,
  type ServiceHealth,
} from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import type { FastifyInstance } from 'fastify';
import type { ResolvedConfig } from '../config/load.ts';
import { startedGetter } from '../wiring/started.ts';
import { createJoinSide, openZoneDirectory } from './game-coordinator.ts';
import { closeGamePersistence, openGamePersistence, type GamePersistence } from './game-persistence.ts';

/** Period of the zones' load reports to the coordinator. */
const LOAD_REPORT_INTERVAL_MS = 1_000;
/** Stands for the host name in registered addresses; the join route fills it in per request. */
export const HOST_PLACEHOLDER = '{host}';

/** Options for {@link createGameComponent}. */
export interface GameComponentOptions {
  config: ResolvedConfig;
  metrics: Registry;
  /** The started publisher (read at start). */
  publisher: () => Publisher;
  /** The open main log (read at start): snapshot positions and replay on recovery. */
  log: () => EventLog;
  /** The open database (read at start), for cold snapshots. */
  sql?: () => Sql;
}

/** The running zones, the sessions and the coordinator once started. */
export interface GameComponent extends Service {
  readonly runners: readonly ZoneRunner[];
  readonly sessions: GameSessions;
  readonly coordinator: ZoneCoordinator;
  /** Snapshots, recovery reports and admin operations of the zones. */
  readonly persistence: GamePersistence['service'];
  /** The bound TCP port, when the TCP transport runs. */
  readonly tcpPort: number | undefined;
  /** Mounts the WebSocket endpoint on the HTTP server (call from configureHttp). */
  attachHttp(app: FastifyInstance): void;
  /**
   * Starts a drained or stopped zone again: recovered from its newest snapshot (and the log),
   * ticking, snapshotted, taking players. @throws GameSessionError GAME_ZONE_UNKNOWN
   */
  restartZone(zoneId: string): Promise<void>;
}

/** The zone rules the config describes. */
export function zoneOptionsFrom(config: ResolvedConfig, zoneId: string): ZoneOptions {
  const game = config.game;
  const { map } = game;
  return {
    zoneId,
    clock: systemClock,
    map: map.rows
      ? { cellSize: map.cellSize, rows: [...map.rows] }
      : ObstacleMap.open(map.width, map.height, map.cellSize),
    tickRateHz: game.tickRateHz,
    broadcastEveryTicks: game.broadcastEveryTicks,
    maxSpeedPerTick: game.maxSpeedPerTick,
    viewRadius: game.viewRadius,
    rateWindowTicks: game.rateWindowTicks,
    maxCommandsPerWindow: game.maxCommandsPerWindow,
    maxPlayers: game.maxPlayersPerZone,
  };
}

export function createGameComponent(options: GameComponentOptions): GameComponent {
  const { config, metrics } = options;
  const game = config.game;
  const runners: ZoneRunner[] = [];
  let sessions: GameSessions | undefined;
  let coordinator: ZoneCoordinator | undefined;
  let tcp: TcpTransport | undefined;
  let ws: WsTransport | undefined;
  let tcpPort: number | undefined;
  let persistence: GamePersistence | undefined;
  let reportTimer: NodeJS.Timeout | undefined;
  let closeDirectory: (() => Promise<void>) | undefined;
  let httpServer: Server | undefined;
  const advertiseHost = game.advertiseHost ?? hostname();
  /** The local zones with absolute addresses, for other processes. */
  const sharedEntries = (registry: ZoneCoordinator): ZoneEntry[] => {
    const address = httpServer?.address();
    const httpPort = address && typeof address === 'object' ? address.port : undefined;
    const scheme = config.http.tls.certFile === undefined ? 'ws' : 'wss';
    return registry
      .list()
      .filter((entry) => runners.some((r) => r.zoneId === entry.zoneId))
      .map((entry) => ({
        ...entry,
        tcp: entry.tcp?.replace(HOST_PLACEHOLDER, advertiseHost) ?? null,
        ws: entry.ws && httpPort !== undefined ? `${scheme}://${advertiseHost}:${httpPort}${entry.ws}` : null,
      }));
  };
  let state: ServiceStatus = ServiceStatus.Starting;
  const started = startedGetter('game');
  return {
    name: 'game',
    runners,
    get sessions() {
      return started(sessions);
    },
    get coordinator() {
      return started(coordinator);
    },
    get persistence() {
      return started(persistence).service;
    },
    get tcpPort() {
      return tcpPort;
    },
    async start(context) {
      const logger = context.logger;
      const joinSide = await createJoinSide(config);
      const tokens = joinSide.tokens;
      coordinator = joinSide.coordinator;
      sessions = new GameSessions({ tokens, metrics, logger, spawn: game.spawn, ...game.limits });
      const publisher = options.publisher();
      persistence = openGamePersistence({
        config,
        metrics,
        logger,
        log: options.log(),
        sql: options.sql?.(),
        stopZone: (zoneId) => runners.find((r) => r.zoneId === zoneId)?.stop(),
      });
      await persistence.service.start(context);
      if (game.tcp.port > 0) {
        tcp = new TcpTransport({ acceptor: sessions, host: game.tcp.host, port: game.tcp.port });
        tcpPort = await tcp.listen();
      }
      if (game.ws.enabled) ws = new WsTransport({ acceptor: sessions, path: game.ws.path });
      for (const zoneId of game.zones) {
        const zoneOptions = zoneOptionsFrom(config, zoneId);
        const zone = await persistence.service.recover(zoneOptions);
        const runner = new ZoneRunner({ zone, events: publisher, metrics, logger });
        sessions.addZone(runner);
        coordinator.register({
          zoneId,
          tcp: tcpPort === undefined ? null : `tcp://${HOST_PLACEHOLDER}:${tcpPort}`,
          ws: ws ? ws.path : null,
          players: zone.size,
          capacity: game.maxPlayersPerZone,
          draining: false,
        });
        persistence.service.track(runner);
        runner.start();
        runners.push(runner);
      }
      const registry = coordinator;
      const live = sessions;
      reportTimer = setInterval(() => {
        for (const runner of runners)
          registry.report(
            runner.zoneId,
            runner.playerCount,
            live.isDraining(runner.zoneId) || !runner.running,
          );
      }, LOAD_REPORT_INTERVAL_MS);
      reportTimer.unref();
      closeDirectory = openZoneDirectory(config, registry, () => sharedEntries(registry), logger);
      logger.info(
        { zones: game.zones, tcpPort, wsPath: ws?.path, tickRateHz: game.tickRateHz },
        'game zones running',
      );
      state = ServiceStatus.Up;
    },
    attachHttp(app) {
      httpServer = app.server;
      if (!ws) return;
      const detach = ws.attach(app.server);
      app.addHook('preClose', async function closeGameSockets() {
        detach();
        sessions?.close();
      });
    },
    async restartZone(zoneId) {
      const runner = runners.find((r) => r.zoneId === zoneId);
      if (!runner || !persistence || !sessions)
        throw new GameSessionError(CloseCode.ZoneUnknown, `zone ${zoneId} is not hosted here`, { zoneId });
      runner.stop();
      runner.pause();
      const zone = await persistence.service.recover(zoneOptionsFrom(config, zoneId));
      runner.replaceZone(zone);
      sessions.undrain(zoneId);
      persistence.service.track(runner);
      runner.resume();
      runner.start();
      coordinator?.report(zoneId, runner.playerCount, false);
    },
    async stop() {
      state = ServiceStatus.Stopping;
      clearInterval(reportTimer);
      await closeDirectory?.();
      sessions?.close();
      // Runners stop first, so the scheduler's last snapshot is of the final state.
      for (const runner of runners) runner.stop();
      await closeGamePersistence(persistence);
      await tcp?.close();
      await ws?.close();
      state = ServiceStatus.Stopped;
    },
    health(): ServiceHealth {
      if (!sessions) return { status: state };
      const zones = runners.map((r) => {
        const s = r.stats();
        return {
          zone: s.zoneId,
          tick: s.tick,
          players: s.players,
          tickP99Ms: s.tickP99Ms,
          overruns: s.overruns,
        };
      });
      const recovered = persistence?.service.health().info?.recovered;
      return { status: state, info: { ...sessions.stats(), zones, recovered } };
    },
  };
}
