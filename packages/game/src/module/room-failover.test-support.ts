/**
 * @module The failover tests' game processes: two or more in one test process, each with its own
 * room registry, sessions, WebSocket and TCP transports, snapshot scheduler and Redis connections, sharing
 * one log, one Redis (hot snapshots and the rooms directory) and the join-token key, as a
 * deployment would. `kill()` leaves a process the way a SIGKILL would for everyone else: its rooms
 * stop stepping, its heartbeat and directory writes stop, its connections drop, its room operations
 * stop answering. `operations` is what an operator reaches on any process (request/reply).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createInProcessRequestReply,
  createPublisher,
  type EventLog,
  type Publisher,
} from '@tickline/eventlog';
import { createMetricsRegistry, decodeEvent, silentLogger } from '@tickline/kernel';
import { MessageType } from '@tickline/protocol';
import { until } from '@tickline/testing';
import { createJoinTokens } from '../coordinator/join-token.ts';
import { localRoomOperations } from '../remote/room-operations.ts';
import { createRoomResponder, remoteRoomOperations } from '../remote/room-rpc.ts';
import type { AnyGameRules } from '../rules/index.ts';
import { RoomTicks } from '../rooms/room-journal.ts';
import { roomSnapshotKey } from '../rooms/room-snapshots.ts';
import { RoomRegistry } from '../rooms/room-registry.ts';
import { RoomSessions, ROOM_TOKEN_SCOPE } from '../rooms/room-sessions.ts';
import { GameSessions } from '../session/game-sessions.ts';
import { createRedisSnapshotStore } from '../snapshots/redis-snapshot-store.ts';
import { SnapshotScheduler } from '../snapshots/snapshot-scheduler.ts';
import { TcpTransport } from '../transport/tcp-transport.ts';
import { TestGameClient } from '../transport/test-client.ts';
import { WsTransport } from '../transport/ws-transport.ts';
import { localRoomDesk } from './room-desk.ts';
import { createRoomFailover, type RoomFailover } from './room-failover.ts';
import { createRedisZoneDirectory, type ZoneDirectory } from './zone-directory.ts';

const context = { logger: silentLogger, fail: () => {} };

export interface FailoverHarnessOptions {
  /** The Redis every process shares (read when a process starts). */
  redisUrl: () => string;
  games: ReadonlyMap<string, AnyGameRules>;
  /** The game log every process shares. */
  log: EventLog;
  /** Silence after which a peer takes a room over. */
  failoverAfterMs: number;
}

/** Game processes for a failover test, their clients, and the clean-up of both. */
export function failoverHarness(options: FailoverHarnessOptions) {
  const { games, log } = options;
  const tokens = createJoinTokens({ secret: 'room-failover-test-secret-of-32-bytes-or-more' });
  const metrics = () => createMetricsRegistry({ processMetrics: false });
  const dirs: string[] = [];
  const clients: TestGameClient[] = [];
  const processes: Array<{ stop(): Promise<void> }> = [];
  const rpc = createInProcessRequestReply();

  /** One game process's rooms side. */
  async function gameProcess(name: string) {
    const dir = mkdtempSync(join(tmpdir(), `tickline-room-failover-${name}-`));
    dirs.push(dir);
    const registryMetrics = metrics();
    const publisher: Publisher = createPublisher({
      log,
      spillDir: join(dir, 'spill'),
      metrics: registryMetrics,
    });
    await publisher.start(context);
    let alive = true;
    const leased = () => alive;
    const rooms = new RoomRegistry({ games: () => games, events: publisher, tickRateHz: 30, leased });
    const sessions = new GameSessions({ tokens, metrics: registryMetrics });
    const roomSessions = new RoomSessions({ tokens, registry: rooms, resumeGraceMs: 30_000 });
    sessions.attachRooms(roomSessions);
    const ws = new WsTransport({ acceptor: sessions, closeGraceMs: 200 });
    const url = `ws://127.0.0.1:${await ws.listen(0, '127.0.0.1')}/game/ws`;
    const tcp = new TcpTransport({ acceptor: sessions, host: '127.0.0.1', port: 0, closeGraceMs: 200 });
    const tcpUrl = `tcp://127.0.0.1:${await tcp.listen()}`;
    const redisUrl = options.redisUrl();
    const prefix = `rf${process.pid}:`;
    const hot = createRedisSnapshotStore({ url: redisUrl, keyPrefix: prefix });
    const scheduler = new SnapshotScheduler({ hot, log, hotIntervalMs: 60_000, metrics: registryMetrics });
    await scheduler.start(context);
    const real = createRedisZoneDirectory({ url: redisUrl, keyPrefix: prefix, name: 'rooms' });
    // A dead process writes nothing more: its entries go stale and its rooms become orphans.
    const directory: ZoneDirectory = {
      ...real,
      publish: (owner, entries) => (alive ? real.publish(owner, entries) : Promise.resolve([])),
    };
    const addresses = () => ({ tcp: tcpUrl, ws: url });
    const failover: RoomFailover = createRoomFailover({
      registry: rooms,
      sessions: roomSessions,
      scheduler,
      stores: [hot],
      logFor: () => log,
      games: () => games,
      directory,
      owner: name,
      failoverAfterMs: options.failoverAfterMs,
      addresses,
      leased,
      renewed: () => {},
      logger: silentLogger,
    });
    await failover.start(context);
    const desk = localRoomDesk({ rooms, tokens, addresses, maxRooms: 100 });
    // Operators reach these rooms from any process, the hand-off included (as game-host-responders.ts wires it).
    const responder = createRoomResponder(
      rpc,
      localRoomOperations({
        registry: rooms,
        sessions: roomSessions,
        games: () => games,
        logFor: () => log,
        handOff: (roomId, message) => failover.handOff(roomId, message, 30_000),
      }),
    );
    await responder.start(context);
    const sweep = setInterval(() => alive && roomSessions.sweep(), 200);
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      clearInterval(sweep);
      await responder.stop();
      await failover.stop();
      sessions.close();
      rooms.close();
      await scheduler.stop();
      await ws.close();
      await tcp.close();
      await hot.close();
      await publisher.stop();
    };
    processes.push({ stop });
    /** Takes a hot snapshot of `roomId` now (again until one is stored): what a take-over starts from. */
    const hotSnapshot = (roomId: string) =>
      until(async () => ((await scheduler.takeNow(roomSnapshotKey(roomId), 'hot'))?.stored.length ?? 0) > 0, {
        timeoutMs: 60_000,
        what: `a hot snapshot of ${roomId}`,
      });
    return {
      name,
      url,
      tcpUrl,
      rooms,
      roomSessions,
      desk,
      failover,
      scheduler,
      hotSnapshot,
      kill: async () => {
        alive = false;
        await responder.stop();
        await ws.close();
        await tcp.close();
      },
      stop,
    };
  }

  /** A client of `url` (`ws://…` or `tcp://host:port`), closed at clean-up. */
  async function connect(url: string): Promise<TestGameClient> {
    const tcp = /^tcp:\/\/([^:]+):(\d+)$/.exec(url);
    const client = tcp ? await TestGameClient.tcp(Number(tcp[2]), tcp[1]) : await TestGameClient.ws(url);
    clients.push(client);
    return client;
  }

  /** A client that asked to join a room by id or private code (its welcome is the caller's to await). */
  async function joinRoom(url: string, playerId: string, target: { room: string } | { code: string }) {
    const client = await connect(url);
    client.send({
      type: MessageType.RoomJoin,
      token: tokens.issue(playerId, ROOM_TOKEN_SCOPE).token,
      ...target,
    });
    return client;
  }

  /** A client that asked to be matched into a room of `game`. */
  async function matchmake(url: string, playerId: string, game: string) {
    const client = await connect(url);
    client.send({ type: MessageType.RoomJoin, token: tokens.issue(playerId, ROOM_TOKEN_SCOPE).token, game });
    return client;
  }

  /** The commands of `roomId` on the log (in its journal): what a recovery can replay. */
  async function commandsLogged(roomId: string): Promise<number> {
    const { last } = await log.head();
    const records = await log.read({ from: 1, limit: last });
    return records
      .filter((r) => r.key === roomId && r.type === RoomTicks.type)
      .flatMap((r) => RoomTicks.schema.parse(decodeEvent(r.payload).data).entries)
      .filter((e) => e[1] === 'command').length;
  }

  /** Stops every process (a killed one too) and drops every client. */
  async function cleanUp(): Promise<void> {
    for (const c of clients.splice(0)) c.drop();
    for (const p of processes.splice(0).reverse()) await p.stop();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }

  return {
    tokens,
    operations: remoteRoomOperations(rpc),
    gameProcess,
    connect,
    joinRoom,
    matchmake,
    commandsLogged,
    cleanUp,
  };
}

export type FailoverHarness = ReturnType<typeof failoverHarness>;
export type FailoverGameProcess = Awaited<ReturnType<FailoverHarness['gameProcess']>>;
