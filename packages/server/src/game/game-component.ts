/**
 * @module Game zones as a service of the process: one {@link ZoneRunner} per configured zone, the
 * session layer, the TCP transport (when `game.tcp.port` is set) and the WebSocket transport
 * (mounted on the HTTP server by {@link GameComponent.attachHttp}), and the coordinator that hands
 * out join tokens for them. Zone events go to the process publisher, never awaited. Each zone is
 * recovered at start (hot snapshot → cold snapshot → log replay) and snapshotted while it runs.
 */
import { hkdfSync } from 'node:crypto';
import type { EventLog, Publisher } from '@tickline/eventlog';
import {
  CloseCode,
  createJoinTokens,
  GameSessionError,
  GameSessions,
  ObstacleMap,
  TcpTransport,
  WsTransport,
  ZoneCoordinator,
  ZoneRunner,
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
import { AUTH_KEY_BYTES, loadAuthKeys } from '../wiring/auth-keys.ts';
import { startedGetter } from '../wiring/started.ts';
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

/** The join-token key: derived from the stream-ticket key with its own label, so neither token works as the other. */
export function deriveJoinTokenSecret(streamTicketSecret: Uint8Array): Uint8Array {
  return new Uint8Array(
    hkdfSync('sha256', streamTicketSecret, 'tickline', 'tickline/game-join-token', AUTH_KEY_BYTES),
  );
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
      const keys = await loadAuthKeys(config);
      const tokens = createJoinTokens({
        secret: deriveJoinTokenSecret(keys.streamTicketSecret),
        ttlMs: game.joinTokenTtlMs,
      });
      coordinator = new ZoneCoordinator({ tokens });
      sessions = new GameSessions({ tokens, metrics, logger, ...game.limits });
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
      logger.info(
        { zones: game.zones, tcpPort, wsPath: ws?.path, tickRateHz: game.tickRateHz },
        'game zones running',
      );
      state = ServiceStatus.Up;
    },
    attachHttp(app) {
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
