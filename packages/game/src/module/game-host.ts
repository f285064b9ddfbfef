/**
 * @module Game as a host of the process. Where zones run (roles `game`, `all`): one
 * {@link ZoneRunner} per configured zone, the session layer, the TCP transport (when
 * `game.tcp.port` is set) and the WebSocket transport (attached to the HTTP server), and the
 * coordinator that hands out join tokens for them; zone events go to the process publisher, never
 * awaited; each zone is recovered at start (hot snapshot → cold snapshot → log replay) and
 * snapshotted while it runs; rules rooms too, taken over by a peer (Redis) or brought back by this
 * process's next start (the embedded default), see room-failover.ts. On a gateway without zones,
 * only the coordinator, which sends players to the zone processes that share their zones in Redis.
 */
import { createGameCatalog, type GameCatalog } from '../games/load-games.ts';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { JoinTokens } from '../coordinator/join-token.ts';
import type { ZoneCoordinator, ZoneEntry } from '../coordinator/zone-coordinator.ts';
import { ZoneRunner } from '../loop/zone-runner.ts';
import { partitionedZoneLogs } from '../recovery/zone-logs.ts';
import { GameCloseCode as CloseCode } from '@tickline/protocol';
import { GameSessionError } from '../protocol/session-error.ts';
import { GameSnapshotError } from '../snapshots/snapshot-errors.ts';
import { GameSessions } from '../session/game-sessions.ts';
import { TcpTransport } from '../transport/tcp-transport.ts';
import { WsTransport } from '../transport/ws-transport.ts';
import {
  createBeatService,
  ServiceStatus,
  type Service,
  type ServiceHealth,
} from '@tickline/kernel';
import type { FastifyInstance } from 'fastify';
import { zoneOptionsFrom, zoneOrigins } from './zone-options.ts';
import {
  createGameCoordinatorComponent,
  createJoinSide,
  createZoneDirectory,
  openZoneDirectory,
} from './game-coordinator.ts';
import {
  acquireWhenAnswered,
  DEFAULT_ZONE_STALE_AFTER_MS,
  releaseZone,
  type ZoneDirectory,
} from './zone-directory.ts';
import { DirectoryLease, type HeartbeatOutcome } from './zone-lease.ts';
import { closeGamePersistence, openGamePersistence } from './game-persistence.ts';
import { createRevocationSweep } from './revocation-sweep.ts';
import { RoomRegistry } from '../rooms/room-registry.ts';
import { RoomSessions } from '../rooms/room-sessions.ts';
import { remoteRoomDesk } from '../remote/room-desk-rpc.ts';
import { gameResponders } from './game-host-responders.ts';
import { localRoomDesk } from './room-desk.ts';
import { createRoomFailover, type RoomFailover } from './room-failover.ts';
import { OPEN_ROOMS_FILE, openRoomsFile } from '../rooms/open-rooms.ts';

/** How long a start waits for Redis before running its zones unfenced (play never waits on Redis). */
const DIRECTORY_READY_WAIT_MS = 2_000;
/** How long a hand-off waits for a peer to take the zone before answering without one. */
export const HANDOFF_WAIT_MS = 10_000;
/** A stop waits less per zone: with no peer left, the next process to start takes the zones. */
const STOP_HANDOFF_WAIT_MS = 3_000;
/** Period of the zones' load reports to the coordinator. */
const LOAD_REPORT_INTERVAL_MS = 1_000;
/** Stands for the host name in registered addresses; the join route fills it in per request. */
export const HOST_PLACEHOLDER = '{host}';
/** Roles whose processes run zones; others run at most the coordinator. */
export const ZONE_ROLES: ReadonlySet<string> = new Set(['all', 'game']);

export type { GameHost, GameHostDeps, GameZones, HandOffResult } from './game-host-types.ts';
import type { GameHost, GameHostDeps, GameZones, HandOffResult } from './game-host-types.ts';

export function createGameHost(deps: GameHostDeps): GameHost {
  const { settings: game } = deps;
  const auth = deps.identity?.auth;
  const noHttp = () => {};
  // Game off, or a gateway with nothing to coordinate: no service, no route, no socket.
  const idle: GameHost = {
    services: [],
    coordinator: undefined,
    zones: undefined,
    settings: game,
    auth,
    attachHttp: noHttp,
  };
  if (!game.enabled) return idle;
  const { tokens, coordinator } = createJoinSide(deps.keys.streamTicketSecret, game.joinTokenTtlMs);
  if (!ZONE_ROLES.has(deps.role)) {
    // A gateway without zones sends players to the zone processes that share their zones in Redis.
    if (!deps.config.redis.url || !auth) return idle;
    const component = createGameCoordinatorComponent(coordinator, deps.config.redis);
    return {
      services: [component],
      coordinator,
      zones: undefined,
      // Rooms on demand are made and joined on the game processes, asked over request/reply.
      ...(deps.rpc && { roomDesk: remoteRoomDesk(deps.rpc) }),
      settings: game,
      auth,
      attachHttp: noHttp,
      // The game page on this gateway's dashboard plays on the zone processes: the CSP allows them.
      connectSources: () => zoneOrigins(coordinator.list()),
    };
  }
  // The operator's game files are checked here, at start: a bad one stops the process naming it.
  // Relative paths are the working directory's, like every other path of the config.
  const catalog = createGameCatalog(game.games, { baseDir: process.cwd() });
  const zones = createZoneService(deps, tokens, coordinator, catalog);
  // The catalogue loads first: the rooms brought back at the zones' start need their games.
  const services: Service[] = [catalog, zones];
  if (deps.sessionCheck) services.push(createRevocationSweep(zones.sessions, deps.sessionCheck));
  services.push(...gameResponders(deps, zones, catalog, tokens));
  return {
    services,
    coordinator,
    zones,
    rooms: zones.rooms,
    roomDesk: localRoomDesk({ rooms: zones.rooms, tokens, addresses: () => zones.addresses(), maxRooms: game.rooms.maxPerProcess }),
    catalog,
    settings: game,
    auth,
    attachHttp: (app) => zones.attachHttp(app),
  };
}

interface ZoneService extends Service, GameZones {
  readonly sessions: GameSessions;
  readonly rooms: RoomRegistry;
  readonly roomSessions: RoomSessions;
  addresses(): { tcp: string | null; ws: string | null };
  /** The same, absolute (the advertised host and the HTTP port), for callers on other processes. */
  sharedAddresses(): { tcp: string | null; ws: string | null };
  /** An operator's hand-off of one room (room-failover.ts). */
  handOffRoom(roomId: string, message: string): Promise<HandOffResult>;
  attachHttp(app: FastifyInstance): void;
}

function createZoneService(
  deps: GameHostDeps,
  tokens: JoinTokens,
  coordinator: ZoneCoordinator,
  catalog: GameCatalog,
): ZoneService {
  const { settings: game, metrics, logger } = deps;
  const runners: ZoneRunner[] = [];
  // Zone events to their partition when the game log is partitioned, else to the main log.
  const events = deps.gameLog?.publisher ?? deps.publisher;
  const sessions = new GameSessions({ tokens, metrics, logger, spawn: game.spawn, ...game.limits });
  // Rules rooms share the connections, limits and transports of the zones.
  const rooms = new RoomRegistry({
    games: () => catalog.games,
    events,
    tickRateHz: game.tickRateHz,
    maxRooms: game.rooms.maxPerProcess,
    createsPerMinute: game.rooms.createsPerMinute,
    emptyGraceMs: game.rooms.emptyGraceMs,
    leased: () => roomLease.held(),
    logger,
  });
  const roomSessions = new RoomSessions({ tokens, registry: rooms, resumeGraceMs: game.limits.resumeGraceMs, logger });
  sessions.attachRooms(roomSessions);
  const persistence = openGamePersistence({
    settings: game,
    redis: deps.config.redis,
    dataDir: deps.config.dataDir,
    metrics,
    logger,
    log: deps.eventLog,
    ...(deps.gameLog && { logs: partitionedZoneLogs(deps.gameLog.partitions, deps.eventLog) }),
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
  let roomFailover: RoomFailover | undefined;
  let directory: ZoneDirectory | undefined;
  let httpServer: Server | undefined;
  const advertiseHost = game.advertiseHost ?? hostname();
  /** This process in the directory: a restarted process is another owner. */
  const owner = `${advertiseHost}/${process.pid}`;
  /** The epoch each local zone is held at (none: started while Redis was away, unfenced). */
  const epochs = new Map<string, number>();
  // The leases (zone-lease.ts): zones tick only under the zones directory's, rooms under the
  // rooms directory's; each is renewed by its own heartbeat alone.
  const fenced = deps.config.redis.url !== undefined && game.failoverAfterMs > 0;
  const zoneLease = new DirectoryLease({ leaseMs: game.failoverAfterMs / 2, fenced });
  const roomLease = new DirectoryLease({ leaseMs: game.failoverAfterMs / 2, fenced });
  const leased = (): boolean => zoneLease.held();
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
        owner,
        epoch: epochs.get(entry.zoneId),
        tcp: entry.tcp?.replace(HOST_PLACEHOLDER, advertiseHost) ?? null,
        ws: entry.ws && httpPort !== undefined ? `${scheme}://${advertiseHost}:${httpPort}${entry.ws}` : null,
      }));
  };
  /** This process's transports, absolute (the advertised host and the HTTP port), for other processes. */
  function sharedAddresses(): { tcp: string | null; ws: string | null } {
    const address = httpServer?.address();
    const httpPort = address && typeof address === 'object' ? address.port : undefined;
    const scheme = deps.config.http.tls.certFile === undefined ? 'ws' : 'wss';
    return {
      tcp: tcpPort === undefined ? null : `tcp://${advertiseHost}:${tcpPort}`,
      ws: ws && httpPort !== undefined ? `${scheme}://${advertiseHost}:${httpPort}${ws.path}` : null,
    };
  }
  /** Recovers `zoneId` (hot snapshot → cold → log) and runs it here, taking players. */
  async function startZone(zoneId: string, epoch: number | undefined): Promise<void> {
    const zone = await persistence.service.recover(zoneOptionsFrom(game, zoneId));
    const runner = new ZoneRunner({ zone, events, metrics, logger, leased });
    if (epoch === undefined) epochs.delete(zoneId);
    else epochs.set(zoneId, epoch);
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
  const startTake = {
    expectedEpoch: -1,
    staleAfterMs: game.failoverAfterMs > 0 ? game.failoverAfterMs : DEFAULT_ZONE_STALE_AFTER_MS,
  };
  /**
   * Takes a configured zone at start: undefined (run it unfenced) without Redis, 'taken' when a
   * live process holds it — a restarted process does not run zones a peer took over meanwhile.
   */
  async function acquireAtStart(zoneId: string, log: typeof logger): Promise<number | 'taken' | undefined> {
    if (!directory || !(await directory.ready(DIRECTORY_READY_WAIT_MS))) return undefined;
    try {
      const epoch = await directory.acquire(zoneId, owner, startTake);
      return epoch ?? 'taken';
    } catch (error) {
      log.warn(
        { err: error, zone: zoneId },
        'zone ownership unknown (Redis away): running the zone unfenced',
      );
      return undefined;
    }
  }
  /**
   * A zone started unfenced (Redis away or slow at start) is taken in the directory once Redis
   * answers, so that it is fenced and can be handed off; a live peer holding it by then wins.
   */
  async function fenceWhenAnswered(zoneId: string, log: typeof logger): Promise<void> {
    const runner = runners.find((r) => r.zoneId === zoneId);
    if (!directory || !fenced || !runner) return;
    const wanted = () => state !== ServiceStatus.Stopping && runners.includes(runner) && !epochs.has(zoneId);
    const epoch = await acquireWhenAnswered(directory, zoneId, owner, startTake, wanted);
    if (epoch === 'abandoned') return;
    if (epoch === undefined) {
      log.warn({ zone: zoneId }, 'zone held by another live game process: stopped here');
      removeZone(zoneId, 'The zone moved to another server; reconnecting.');
    } else if (wanted()) {
      epochs.set(zoneId, epoch);
      log.info({ zone: zoneId, epoch }, 'zone ownership taken: fenced from now on');
    }
  }
  /** Takes a zone out of this process (handed off, or lost to a peer): its players follow it. */
  function removeZone(zoneId: string, message: string): number {
    const at = runners.findIndex((r) => r.zoneId === zoneId);
    if (at < 0) return 0;
    const runner = runners[at]!;
    runner.stop();
    persistence.service.admin.unregister(zoneId);
    const told = sessions.moveOut(zoneId, message);
    runners.splice(at, 1);
    coordinator.unregister(zoneId);
    epochs.delete(zoneId);
    return told;
  }
  async function handOffZone(
    zoneId: string,
    message: string,
    waitMs = HANDOFF_WAIT_MS,
  ): Promise<HandOffResult> {
    const runner = runners.find((r) => r.zoneId === zoneId);
    if (!runner)
      throw new GameSessionError(CloseCode.ZoneUnknown, `zone ${zoneId} is not hosted here`, { zoneId });
    const epoch = epochs.get(zoneId);
    const entry = sharedEntries().find((e) => e.zoneId === zoneId);
    if (!directory || !fenced || epoch === undefined || !entry)
      throw new GameSnapshotError(
        'GAME_HANDOFF_UNAVAILABLE',
        `zone ${zoneId} cannot be handed off: it needs redis.url, game.failoverAfterMs > 0 and the zone held in the directory`,
        { details: { zoneId } },
      );
    // No new players; the connected ones are told before anything stops.
    sessions.notice(zoneId, 'warn', message);
    coordinator.report(zoneId, runner.playerCount, true);
    runner.pause();
    const final = await persistence.service.scheduler.takeNow(zoneId);
    if (!final?.stored.length) {
      runner.resume();
      throw new GameSnapshotError(
        'GAME_HANDOFF_UNAVAILABLE',
        `zone ${zoneId}: no store took its final snapshot`,
        {
          details: { zoneId },
        },
      );
    }
    const released = await releaseZone(directory, entry, owner, epoch);
    const playersTold = removeZone(zoneId, message);
    logger.info({ zone: zoneId, players: playersTold, released }, 'zone handed off');
    let to: string | null = null;
    const until = Date.now() + waitMs;
    while (to === null && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const taken = (await directory.read().catch(() => [])).find(
        (e) => e.zoneId === zoneId && e.owner !== undefined && e.owner !== owner,
      );
      if (taken) to = taken.owner ?? null;
    }
    return { playersTold, snapshotId: final.snapshot.id, from: owner, to };
  }
  // The WebSocket transport exists before HTTP starts, so the HTTP step can attach it.
  if (game.ws.enabled) ws = new WsTransport({ acceptor: sessions, path: game.ws.path });
  let state: ServiceStatus = ServiceStatus.Starting;
  return {
    name: 'game',
    runners,
    sessions,
    rooms,
    roomSessions,
    addresses: () => ({
      tcp: tcpPort === undefined ? null : `tcp://${HOST_PLACEHOLDER}:${tcpPort}`,
      ws: ws ? ws.path : null,
    }),
    sharedAddresses,
    handOffRoom(roomId, message) {
      if (!roomFailover)
        throw new GameSnapshotError('GAME_HANDOFF_UNAVAILABLE', 'the game rooms are not running yet', {
          details: { roomId },
        });
      return roomFailover.handOff(roomId, message, HANDOFF_WAIT_MS);
    },
    persistence: persistence.service,
    async start(context) {
      const log = context.logger;
      await persistence.service.start(context);
      if (game.tcp.port > 0) {
        tcp = new TcpTransport({
          acceptor: sessions,
          host: game.tcp.host,
          port: game.tcp.port,
          budget: deps.connectionBudget,
        });
        tcpPort = await tcp.listen();
      }
      directory = createZoneDirectory(deps.config.redis, context);
      // Rooms are snapshotted, owned and taken over like the zones, in a directory of their own.
      roomFailover = createRoomFailover({
        registry: rooms,
        sessions: roomSessions,
        scheduler: persistence.service.scheduler,
        stores: persistence.stores,
        logFor: (roomId) => deps.gameLog?.partitions.logFor(roomId) ?? deps.eventLog,
        games: () => catalog.games,
        directory: createZoneDirectory(deps.config.redis, context, 'rooms'),
        // Without Redis, the rooms open here come back at this process's next start.
        openRooms: openRoomsFile(resolve(deps.config.dataDir, OPEN_ROOMS_FILE), log),
        owner,
        failoverAfterMs: game.failoverAfterMs,
        addresses: sharedAddresses,
        leased: () => roomLease.held(),
        renewed: (startedAt: number, outcome?: HeartbeatOutcome) => roomLease.renew(startedAt, outcome),
        logger: log,
      });
      for (const zoneId of game.zones) {
        const epoch = await acquireAtStart(zoneId, log);
        if (epoch === 'taken') {
          log.warn({ zone: zoneId }, 'zone held by another live game process: not started here');
          continue;
        }
        await startZone(zoneId, epoch);
        if (epoch === undefined) void fenceWhenAnswered(zoneId, log);
      }
      zoneLease.restart();
      roomLease.restart();
      await loadReport.start(context);
      await roomFailover.start(context);
      closeDirectory = await openZoneDirectory(directory, coordinator, sharedEntries, context, {
        owner,
        failoverAfterMs: game.failoverAfterMs,
        // A stopping process hands its zones off; taking one over then would run it twice.
        adopting: () => state !== ServiceStatus.Stopping,
        async adopt(zoneId, epoch) {
          if (!runners.some((r) => r.zoneId === zoneId)) await startZone(zoneId, epoch);
        },
        lost(zoneIds) {
          for (const zoneId of zoneIds) {
            log.warn({ zone: zoneId }, 'zone taken over by another game process: stopped here');
            removeZone(zoneId, 'The zone moved to another server; reconnecting.');
          }
        },
        renewed: (startedAt, outcome) => zoneLease.renew(startedAt, outcome),
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
    handOffZone,
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
      // A rolling restart: each zone goes to a peer with its players instead of stopping here.
      if (game.handOffOnStop && fenced)
        for (const zoneId of runners.map((r) => r.zoneId))
          await handOffZone(
            zoneId,
            'The server is restarting; moving you to another.',
            STOP_HANDOFF_WAIT_MS,
          ).catch((error: unknown) => logger.warn({ err: error, zone: zoneId }, 'hand-off at stop failed'));
      // Rooms too, without waiting for a peer each: the first to check takes them.
      if (game.handOffOnStop && fenced) await roomFailover?.handOffAll('The server is restarting; moving you to another.');
      await roomFailover?.stop();
      await loadReport.stop();
      await closeDirectory?.();
      sessions.close();
      rooms.close();
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
      // Rooms brought back here: taken over from a peer, or (embedded default) from the last run.
      const roomsRecovered = roomFailover?.recoveries().size ?? 0;
      return { status: state, info: { ...sessions.stats(), zones, recovered, rooms: rooms.size, roomsRecovered } };
    },
  };
}
