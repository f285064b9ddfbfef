/**
 * Rules rooms survive their game process: two game processes in one test process, each with its
 * own room registry, sessions, WebSocket transport, snapshot scheduler and Redis connections,
 * sharing one log, one Redis (hot snapshots and the rooms directory) and the join-token key, as a
 * deployment would. A Connect Four game is played on one; it goes silent (its rooms stop, its
 * heartbeat stops, its connections drop: what a kill leaves), the other takes the room over from
 * its last snapshot and the journal after it, and both players resume there (a new ticket,
 * `resumed: true`) on the same board and turn and finish the game. A hand-off moves a room at once.
 * The processes are room-failover.test-support.ts's (tag-failover.int.test.ts shares them).
 */
import { createInMemoryEventLog } from '@tickline/eventlog';
import { encodeRoomCommand, GameCloseCode, MessageType } from '@tickline/protocol';
import { requireRedisServer, startRedis, until, type RedisServerHandle } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInGames } from '../games/load-games.ts';
import { replayRoom } from '../rooms/room-replay.ts';
import type { TestGameClient } from '../transport/test-client.ts';
import { failoverHarness, type FailoverGameProcess as GameProcess } from './room-failover.test-support.ts';

const found = requireRedisServer();
const games = new Map(builtInGames().map((g) => [g.name, g]));
const log = createInMemoryEventLog();
let redis: RedisServerHandle;
const harness = failoverHarness({ redisUrl: () => redis.url, games, log, failoverAfterMs: 1_000 });
const { joinRoom } = harness;

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
  await harness.cleanUp();
  await redis?.stop();
});

describe.skipIf(!found.available)(`room failover across game processes ${found.reason ?? ''}`, () => {
  it('failover - a Connect Four game resumes mid-game on the other process, same board and turn, and is finished there', async () => {
    const east = await harness.gameProcess('east');
    const west = await harness.gameProcess('west');
    try {
      const runner = east.rooms.create('connect-four', { private: true });
      const roomId = runner.roomId;
      const players = new Map<string, { client: TestGameClient; seq: number }>();
      for (const id of ['ann', 'bob']) {
        const client = await joinRoom(east.url, id, { code: runner.code! });
        expect(await client.next(MessageType.RoomWelcome)).toMatchObject({ roomId, resumed: false });
        players.set(id, { client, seq: 0 });
      }
      await until(() => stateOf(east, roomId).room.status === 'playing', { timeoutMs: 60_000 });
      // The first to move (by lot) builds column 0, the other column 1, then a snapshot covers
      // those four moves (the scheduled ones are a minute apart here, so it is the last one).
      const starter = stateOf(east, roomId).room.turn;
      for (const column of [0, 1, 0, 1]) await play(east, roomId, players, column);
      await east.hotSnapshot(roomId);
      // Two more moves after that snapshot, on the log only when their journal record is.
      for (const column of [0, 1]) await play(east, roomId, players, column);
      await until(async () => (await harness.commandsLogged(roomId)) >= 6, { timeoutMs: 60_000 });
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
        const client = await joinRoom(west.url, id, { code: runner.code! });
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
    const east = await harness.gameProcess('east2');
    const west = await harness.gameProcess('west2');
    try {
      const runner = east.rooms.create('connect-four');
      const roomId = runner.roomId;
      const client = await joinRoom(east.url, 'cid', { room: roomId });
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
      const again = await joinRoom(west.url, 'cid', { room: roomId });
      expect(await again.next(MessageType.RoomWelcome)).toMatchObject({ roomId, resumed: true });
    } finally {
      await west.stop();
      await east.stop();
    }
  }, 180_000);
});
