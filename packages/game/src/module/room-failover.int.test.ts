/**
 * Rules rooms survive their game process: two game processes in one test process, each with its
 * own room registry, sessions, WebSocket transport, snapshot scheduler and Redis connections,
 * sharing one log, one Redis (hot snapshots and the rooms directory) and the join-token key, as a
 * deployment would. A Connect Four game is played on one; it goes silent (its rooms stop, its
 * heartbeat stops, its connections drop: what a kill leaves), the other takes the room over from
 * its last snapshot and the journal after it, and both players resume there (a new ticket,
 * `resumed: true`) on the same board and turn and finish the game. A hand-off moves a room at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInMemoryEventLog, createPublisher, type Publisher } from '@tickline/eventlog';
import { createMetricsRegistry, decodeEvent, silentLogger } from '@tickline/kernel';
import { encodeRoomCommand, GameCloseCode, MessageType } from '@tickline/protocol';
import { requireRedisServer, startRedis, until, type RedisServerHandle } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJoinTokens } from '../coordinator/join-token.ts';
import { builtInGames } from '../games/load-games.ts';
import { RoomTicks } from '../rooms/room-journal.ts';
import { RoomRegistry } from '../rooms/room-registry.ts';
import { replayRoom } from '../rooms/room-replay.ts';
import { RoomSessions, ROOM_TOKEN_SCOPE } from '../rooms/room-sessions.ts';
import { roomSnapshotKey } from '../rooms/room-snapshots.ts';
import { GameSessions } from '../session/game-sessions.ts';
import { createRedisSnapshotStore } from '../snapshots/redis-snapshot-store.ts';
import { SnapshotScheduler } from '../snapshots/snapshot-scheduler.ts';
import { TestGameClient } from '../transport/test-client.ts';
import { WsTransport } from '../transport/ws-transport.ts';
import { localRoomDesk } from './room-desk.ts';
import { createRoomFailover, type RoomFailover } from './room-failover.ts';
import { createRedisZoneDirectory, type ZoneDirectory } from './zone-directory.ts';

const found = requireRedisServer();
const context = { logger: silentLogger, fail: () => {} };
const FAILOVER_AFTER_MS = 1_000;
const tokens = createJoinTokens({ secret: 'room-failover-test-secret-of-32-bytes-or-more' });
const games = new Map(builtInGames().map((g) => [g.name, g]));
const log = createInMemoryEventLog();
const metrics = () => createMetricsRegistry({ processMetrics: false });
const dirs: string[] = [];
let redis: RedisServerHandle;

/** One game process's rooms side; `kill()` leaves it as a SIGKILL would, for everyone else. */
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
  const prefix = `rf${process.pid}:`;
  const hot = createRedisSnapshotStore({ url: redis.url, keyPrefix: prefix });
  const scheduler = new SnapshotScheduler({ hot, log, hotIntervalMs: 60_000, metrics: registryMetrics });
  await scheduler.start(context);
  const real = createRedisZoneDirectory({ url: redis.url, keyPrefix: prefix, name: 'rooms' });
  // A dead process writes nothing more: its entries go stale and its rooms become orphans.
  const directory: ZoneDirectory = {
    ...real,
    publish: (owner, entries) => (alive ? real.publish(owner, entries) : Promise.resolve([])),
  };
  const failover: RoomFailover = createRoomFailover({
    registry: rooms,
    sessions: roomSessions,
    scheduler,
    stores: [hot],
    logFor: () => log,
    games: () => games,
    directory,
    owner: name,
    failoverAfterMs: FAILOVER_AFTER_MS,
    addresses: () => ({ tcp: null, ws: url }),
    leased,
    renewed: () => {},
    logger: silentLogger,
  });
  await failover.start(context);
  const desk = localRoomDesk({ rooms, tokens, addresses: () => ({ tcp: null, ws: url }), maxRooms: 100 });
  const sweep = setInterval(() => alive && roomSessions.sweep(), 200);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(sweep);
    await failover.stop();
    sessions.close();
    rooms.close();
    await scheduler.stop();
    await ws.close();
    await hot.close();
    await publisher.stop();
  };
  return {
    name,
    url,
    rooms,
    desk,
    failover,
    scheduler,
    kill: async () => {
      alive = false;
      await ws.close();
    },
    stop,
  };
}
type GameProcess = Awaited<ReturnType<typeof gameProcess>>;

const clients: TestGameClient[] = [];
async function joinRoom(url: string, playerId: string, roomId: string) {
  const client = await TestGameClient.ws(url);
  clients.push(client);
  client.send({
    type: MessageType.RoomJoin,
    token: tokens.issue(playerId, ROOM_TOKEN_SCOPE).token,
    room: roomId,
  });
  return client;
}

/** The room's fields and seats as the process holding it has them. */
function stateOf(p: GameProcess, roomId: string) {
  const { state, tick } = p.rooms.get(roomId)!.room.snapshot();
  const seats = Object.fromEntries(state.entities.map(([id, e]) => [e.seat as number, id]));
  return {
    room: state.room as { board: number[]; turn: number; status: string; winner: number; moves: number },
    seats,
    tick,
  };
}

/** Sends a drop from whoever is to move and waits for its ack. */
async function play(
  p: GameProcess,
  roomId: string,
  players: Map<string, { client: TestGameClient; seq: number }>,
  column: number,
) {
  const { room, seats } = stateOf(p, roomId);
  const mover = players.get(seats[room.turn]!)!;
  const seq = ++mover.seq;
  mover.client.send({
    type: MessageType.RoomCommand,
    seq,
    command: encodeRoomCommand({ type: 'drop', column }),
  });
  await mover.client.next(MessageType.RoomFrame, (f) => f.ack >= seq, 10_000);
}

beforeAll(async () => {
  if (found.available) redis = await startRedis();
});
afterAll(async () => {
  for (const c of clients) c.drop();
  await redis?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!found.available)(`room failover across game processes ${found.reason ?? ''}`, () => {
  it('failover - a Connect Four game resumes mid-game on the other process, same board and turn, and is finished there', async () => {
    const east = await gameProcess('east');
    const west = await gameProcess('west');
    try {
      const runner = east.rooms.create('connect-four', { private: true });
      const roomId = runner.roomId;
      const players = new Map<string, { client: TestGameClient; seq: number }>();
      for (const id of ['ann', 'bob']) {
        const client = await TestGameClient.ws(east.url);
        clients.push(client);
        client.send({
          type: MessageType.RoomJoin,
          token: tokens.issue(id, ROOM_TOKEN_SCOPE).token,
          code: runner.code!,
        });
        expect(await client.next(MessageType.RoomWelcome)).toMatchObject({ roomId, resumed: false });
        players.set(id, { client, seq: 0 });
      }
      await until(() => stateOf(east, roomId).room.status === 'playing', { timeoutMs: 60_000 });
      // The first to move (by lot) builds column 0, the other column 1, then a snapshot covers
      // those four moves (the scheduled ones are a minute apart here, so it is the last one).
      const starter = stateOf(east, roomId).room.turn;
      for (const column of [0, 1, 0, 1]) await play(east, roomId, players, column);
      await until(
        async () => ((await east.scheduler.takeNow(roomSnapshotKey(roomId), 'hot'))?.stored.length ?? 0) > 0,
        {
          timeoutMs: 60_000,
        },
      );
      // Two more moves after that snapshot, on the log only when their journal record is.
      for (const column of [0, 1]) await play(east, roomId, players, column);
      const commandsLogged = async () => {
        const { last } = await log.head();
        const records = await log.read({ from: 1, limit: last });
        return records
          .filter((r) => r.key === roomId && r.type === RoomTicks.type)
          .flatMap((r) => RoomTicks.schema.parse(decodeEvent(r.payload).data).entries)
          .filter((e) => e[1] === 'command').length;
      };
      await until(async () => (await commandsLogged()) >= 6, { timeoutMs: 60_000 });
      const before = stateOf(east, roomId).room;
      expect(before).toMatchObject({ status: 'playing', moves: 6 });

      await east.kill();
      for (const { client } of players.values()) await client.ended;
      // The room's ticket now comes from the process that took it (a gateway asks them all).
      await until(() => west.rooms.get(roomId) !== undefined, { timeoutMs: 60_000 });
      expect(west.desk.serves({ code: runner.code! })).toBe(true);
      expect(west.failover.recoveries().get(roomId)).toMatchObject({ source: 'redis' });
      expect(west.failover.recoveries().get(roomId)!.replayedTicks).toBeGreaterThan(0);
      const after = stateOf(west, roomId).room;
      expect(after.board).toEqual(before.board);
      expect(after.turn).toBe(before.turn);
      expect(after.moves).toBe(6);

      for (const [id, player] of players) {
        const client = await TestGameClient.ws(west.url);
        clients.push(client);
        client.send({
          type: MessageType.RoomJoin,
          token: tokens.issue(id, ROOM_TOKEN_SCOPE).token,
          code: runner.code!,
        });
        expect(await client.next(MessageType.RoomWelcome)).toMatchObject({
          roomId,
          resumed: true,
          lastSeq: player.seq,
        });
        player.client = client;
      }
      // The starter completes column 0.
      await play(west, roomId, players, 0);
      expect(stateOf(west, roomId).room).toMatchObject({ status: 'won', winner: starter });
      // The journal goes on where the log left it: a replay spans both processes without a gap.
      const wonAt = stateOf(west, roomId).tick;
      west.rooms.get(roomId)!.journal.flush();
      await until(
        async () => (await replayRoom({ log, games, roomId, playerId: 'ann' })).loggedThroughTick >= wonAt,
        {
          timeoutMs: 60_000,
          what: 'a replay through the win',
        },
      );
    } finally {
      await west.stop();
      await east.stop();
    }
  }, 180_000);

  it('hand-off - a room let go is taken by the peer at once; its players are told GAME_ZONE_MOVED and resume there', async () => {
    const east = await gameProcess('east2');
    const west = await gameProcess('west2');
    try {
      const runner = east.rooms.create('connect-four');
      const roomId = runner.roomId;
      const client = await joinRoom(east.url, 'cid', roomId);
      await client.next(MessageType.RoomWelcome);
      // The room's take in the directory lands after its creation: a hand-off is refused until then.
      let handedOff: { to: string | null } | undefined;
      await until(
        async () => {
          handedOff = await east.failover.handOff(roomId, 'moving you', 30_000).catch(() => undefined);
          return handedOff !== undefined;
        },
        { timeoutMs: 60_000, what: 'the hand-off' },
      );
      expect(handedOff!.to).toBe('west2');
      expect((await client.ended).code).toBe(GameCloseCode.ZoneMoved);
      expect(east.rooms.get(roomId)).toBeUndefined();
      await until(() => west.rooms.get(roomId) !== undefined, { timeoutMs: 60_000 });
      const again = await joinRoom(west.url, 'cid', roomId);
      expect(await again.next(MessageType.RoomWelcome)).toMatchObject({ roomId, resumed: true });
    } finally {
      await west.stop();
      await east.stop();
    }
  }, 180_000);
});
