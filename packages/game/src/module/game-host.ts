/**
 * @module Game as a host of the process. Where zones run (roles `game`, `all`): one
 * {@link ZoneRunner} per configured zone, the session layer, the TCP transport (when
 * `game.tcp.port` is set) and the WebSocket transport (attached to the HTTP server), and the
 * coordinator that hands out join tokens for them; zone events go to the process publisher, never
 * awaited; each zone is recovered at start (hot snapshot → cold snapshot → log replay) and
 * snapshotted while it runs. On a gateway without zones, only the coordinator, which sends players
 * to the zone processes that share their zones in Redis.
 */
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import type { EventLog, Publisher, RequestReply } from '@tickline/eventlog';
import type { JoinTokens } from '../coordinator/join-token.ts';
import type { ZoneCoordinator, ZoneEntry } from '../coordinator/zone-coordinator.ts';
import { ZoneRunner } from '../loop/zone-runner.ts';
import type { ZonePersistence } from '../recovery/zone-persistence.ts';
import { GameCloseCode as CloseCode } from '@tickline/protocol';
import { GameSessionError } from '../protocol/session-error.ts';
import { GameSessions } from '../session/game-sessions.ts';
import { TcpTransport } from '../transport/tcp-transport.ts';
import { WsTransport } from '../transport/ws-transport.ts';
import { ObstacleMap } from '../zone/obstacle-map.ts';
import type { ZoneOptions } from '../zone/zone-config.ts';
import {
  createBeatService,
  ServiceStatus,
  systemClock,
  type ChannelSink,
  type ModuleBaseDeps,
  type ModuleHost,
  type RequestAuth,
  type Service,
  type ServiceHealth,
} from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GameSettings } from '../config.ts';
import { createAdminGameFeed } from './admin-game-feed.ts';
import {
  createGameCoordinatorComponent,
  createJoinSide,
  openZoneDirectory,
  type RedisSettings,
} from './game-coordinator.ts';
import { closeGamePersistence, openGamePersistence } from './game-persistence.ts';
import { createRevocationSweep, type SessionCheck } from './revocation-sweep.ts';
import { localZoneOperations } from '../remote/local-zone-operations.ts';
import { createZoneResponder } from '../remote/zone-rpc.ts';

/** Period of the zones' load reports to the coordinator. */
const LOAD_REPORT_INTERVAL_MS = 1_000;
/** Stands for the host name in registered addresses; the join route fills it in per request. */
export const HOST_PLACEHOLDER = '{host}';
/** Roles whose processes run zones; others run at most the coordinator. */
export const ZONE_ROLES: ReadonlySet<string> = new Set(['all', 'game']);

/** What {@link createGameHost} is built from. */
export interface GameHostDeps extends ModuleBaseDeps<GameSettings> {
  role: string;
  publisher: Publisher;
  /** The open main log: snapshot positions and replay on recovery. */
  eventLog: EventLog;
  /** The open database, for cold snapshots (none: hot snapshots and the log only). */
  sql?: Sql | undefined;
  keys: { streamTicketSecret: Uint8Array };
  /** The sections of other domains this one reads. */
  config: {
    readonly dataDir: string;
    readonly redis: RedisSettings;
    readonly http: { readonly tls: { readonly certFile?: string | undefined } };
  };
  /** Realtime's host where one runs here: live figures on `admin:game` through its hub. */
  realtime?: { hub: ChannelSink } | undefined;
  /** Identity's host, where the join routes are served. */
  identity?: { auth: RequestAuth<FastifyRequest> } | undefined;
  /**
   * The deployment's revocation check (identity's session versions, through Redis in scaled
   * mode): revoked players' sessions are closed and cannot resume. None: sessions are not checked.
   */
  sessionCheck?: SessionCheck | undefined;
  /** Request/reply between processes: the zones here answer operators on other processes. */
  rpc?: RequestReply | undefined;
}

/** The zones of this process, for the platform's zone operations. */
export interface GameZones {
  readonly runners: readonly ZoneRunner[];
  readonly persistence: ZonePersistence;
  /**
   * Starts a drained or stopped zone again: recovered from its newest snapshot (and the log),
   * ticking, snapshotted, taking players. @throws GameSessionError GAME_ZONE_UNKNOWN
   */
  restartZone(zoneId: string): Promise<void>;
}

/** Game on a running process. */
export interface GameHost extends ModuleHost {
  /** Hands out join tokens; undefined where neither zones nor a shared directory exist. */
  readonly coordinator: ZoneCoordinator | undefined;
  /** The local zones; undefined on a process without zones. */
  readonly zones: GameZones | undefined;
  readonly settings: GameSettings;
  readonly auth: RequestAuth<FastifyRequest> | undefined;
  /** Mounts the WebSocket transport on the HTTP server. */
  attachHttp(app: FastifyInstance): void;
}

/** The zone rules the config describes. */
export function zoneOptionsFrom(game: GameSettings, zoneId: string): ZoneOptions {
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

export function createGameHost(deps: GameHostDeps): GameHost {
  const { settings: game } = deps;
  const auth = deps.identity?.auth;
  const noHttp = () => {};
  if (!game.enabled)
    return {
      services: [],
      coordinator: undefined,
      zones: undefined,
      settings: game,
      auth,
      attachHttp: noHttp,
    };
  const { tokens, coordinator } = createJoinSide(deps.keys.streamTicketSecret, game.joinTokenTtlMs);
  if (!ZONE_ROLES.has(deps.role)) {
    // A gateway without zones sends players to the zone processes that share their zones in Redis.
    if (!deps.config.redis.url || !auth)
      return {
        services: [],
        coordinator: undefined,
        zones: undefined,
        settings: game,
        auth,
        attachHttp: noHttp,
      };
    const component = createGameCoordinatorComponent(coordinator, deps.config.redis);
    return { services: [component], coordinator, zones: undefined, settings: game, auth, attachHttp: noHttp };
  }
  const zones = createZoneService(deps, tokens, coordinator);
  const services: Service[] = [zones];
  if (deps.sessionCheck) services.push(createRevocationSweep(zones.sessions, deps.sessionCheck));
  // Operators on a gateway or platform process reach these zones by request/reply.
  if (deps.rpc)
    services.push(
      createZoneResponder({
        rpc: deps.rpc,
        operations: localZoneOperations({
          runners: () => zones.runners,
          admin: () => zones.persistence.admin,
          restart: (zoneId) => zones.restartZone(zoneId),
        }),
        zoneIds: () => zones.runners.map((r) => r.zoneId),
        logger: deps.logger,
      }),
    );
  // Live zone figures for admins watching admin:game where zones and a hub share the process.
  if (deps.realtime)
    services.push(
      createAdminGameFeed({
        hub: deps.realtime.hub,
        game: { runners: zones.runners, recoveries: () => zones.persistence.recoveries() },
        metrics: deps.metrics,
      }),
    );
  return { services, coordinator, zones, settings: game, auth, attachHttp: (app) => zones.attachHttp(app) };
}

interface ZoneService extends Service, GameZones {
  readonly sessions: GameSessions;
  attachHttp(app: FastifyInstance): void;
}

function createZoneService(
  deps: GameHostDeps,
  tokens: JoinTokens,
  coordinator: ZoneCoordinator,
): ZoneService {
  const { settings: game, metrics, logger } = deps;
  const runners: ZoneRunner[] = [];
  const sessions = new GameSessions({ tokens, metrics, logger, spawn: game.spawn, ...game.limits });
  const persistence = openGamePersistence({
    settings: game,
    redis: deps.config.redis,
    dataDir: deps.config.dataDir,
    metrics,
    logger,
    log: deps.eventLog,
    sql: deps.sql,
    stopZone: (zoneId) => runners.find((r) => r.zoneId === zoneId)?.stop(),
  });
  let tcp: TcpTransport | undefined;
  let ws: WsTransport | undefined;
  let tcpPort: number | undefined;
  // The zones' load, for the coordinator's choice of zone on join.
  const loadReport = createBeatService({
    name: 'game-load-report',
    intervalMs: LOAD_REPORT_INTERVAL_MS,
    async beat() {
      for (const runner of runners)
        coordinator.report(
          runner.zoneId,
          runner.playerCount,
          sessions.isDraining(runner.zoneId) || !runner.running,
        );
    },
  });
  let closeDirectory: (() => Promise<void>) | undefined;
  let httpServer: Server | undefined;
  const advertiseHost = game.advertiseHost ?? hostname();
  /** The local zones with absolute addresses, for other processes. */
  const sharedEntries = (): ZoneEntry[] => {
    const address = httpServer?.address();
    const httpPort = address && typeof address === 'object' ? address.port : undefined;
    const scheme = deps.config.http.tls.certFile === undefined ? 'ws' : 'wss';
    return coordinator
      .list()
      .filter((entry) => runners.some((r) => r.zoneId === entry.zoneId))
      .map((entry) => ({
        ...entry,
        tcp: entry.tcp?.replace(HOST_PLACEHOLDER, advertiseHost) ?? null,
        ws: entry.ws && httpPort !== undefined ? `${scheme}://${advertiseHost}:${httpPort}${entry.ws}` : null,
      }));
  };
  /** Recovers `zoneId` (hot snapshot → cold → log) and runs it here, taking players. */
  async function startZone(zoneId: string): Promise<void> {
    const zone = await persistence.service.recover(zoneOptionsFrom(game, zoneId));
    const runner = new ZoneRunner({ zone, events: deps.publisher, metrics, logger });
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
  // The WebSocket transport exists before HTTP starts, so the HTTP step can attach it.
  if (game.ws.enabled) ws = new WsTransport({ acceptor: sessions, path: game.ws.path });
  let state: ServiceStatus = ServiceStatus.Starting;
  return {
    name: 'game',
    runners,
    sessions,
    persistence: persistence.service,
    async start(context) {
      const log = context.logger;
      await persistence.service.start(context);
      if (game.tcp.port > 0) {
        tcp = new TcpTransport({ acceptor: sessions, host: game.tcp.host, port: game.tcp.port });
        tcpPort = await tcp.listen();
      }
      for (const zoneId of game.zones) await startZone(zoneId);
      await loadReport.start(context);
      closeDirectory = await openZoneDirectory(deps.config.redis, coordinator, sharedEntries, context, {
        owner: `${advertiseHost}/${process.pid}`,
        failoverAfterMs: game.failoverAfterMs,
        async adopt(zoneId) {
          if (!runners.some((r) => r.zoneId === zoneId)) await startZone(zoneId);
        },
      });
      log.info(
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
        sessions.close();
      });
    },
    async restartZone(zoneId) {
      const runner = runners.find((r) => r.zoneId === zoneId);
      if (!runner)
        throw new GameSessionError(CloseCode.ZoneUnknown, `zone ${zoneId} is not hosted here`, { zoneId });
      runner.stop();
      runner.pause();
      const zone = await persistence.service.recover(zoneOptionsFrom(game, zoneId));
      runner.replaceZone(zone);
      sessions.undrain(zoneId);
      persistence.service.track(runner);
      runner.resume();
      runner.start();
      coordinator.report(zoneId, runner.playerCount, false);
    },
    async stop() {
      state = ServiceStatus.Stopping;
      await loadReport.stop();
      await closeDirectory?.();
      sessions.close();
      // Runners stop first, so the scheduler's last snapshot is of the final state.
      for (const runner of runners) runner.stop();
      await closeGamePersistence(persistence);
      await tcp?.close();
      await ws?.close();
      state = ServiceStatus.Stopped;
    },
    health(): ServiceHealth {
      if (state === ServiceStatus.Starting) return { status: state };
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
      const recovered = persistence.service.health().info?.recovered;
      return { status: state, info: { ...sessions.stats(), zones, recovered } };
    },
  };
}
