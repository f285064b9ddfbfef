/**
 * A tag round survives its game process (the harness of room-failover.int.test.ts: two game
 * processes sharing one log and one Redis). A round runs on one with two players over WebSocket;
 * a tag scores and swaps roles; the process goes silent mid-round; the other takes the room and
 * the players resume there (`resumed: true`) with the same roles, scores and timer; the round goes
 * on (another tag) and ends there, after exactly its length in ticks: the outage took none of it.
 * An operator's hand-off (the operations port, over request/reply) moves a tag room mid-round the
 * same way. And a drained stop tells the players queued by matchmaking to queue again elsewhere.
 */
import { createInMemoryEventLog } from '@tickline/eventlog';
import { encodeRoomCommand, GameCloseCode, MessageType } from '@tickline/protocol';
import { requireRedisServer, startRedis, until, type RedisServerHandle } from '@tickline/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tagGame } from '../games/tag/tag.ts';
import type { RoomRunner } from '../rooms/room-runner.ts';
import type { TestGameClient } from '../transport/test-client.ts';
import { failoverHarness, type FailoverGameProcess } from './room-failover.test-support.ts';

const found = requireRedisServer();
/** Long enough for the part before the kill on a busy machine; the outage does not count. */
const ROUND_MS = 15_000;
// Anyone within the map is in reach: the test tags without steering.
const tag = tagGame({ roundMs: ROUND_MS, reach: 100, tagbackMs: 100 });
const games = new Map([[tag.name, tag]]);
const log = createInMemoryEventLog();
let redis: RedisServerHandle;
const harness = failoverHarness({ redisUrl: () => redis.url, games, log, failoverAfterMs: 1_000 });
/**
 * The hand-off's processes: a round far longer than the test. It checks that the round carries
 * over as it was; with 15 s rounds, a busy machine's slow joins and hand-off ended round 1 before
 * the check (the test failed after 32 s in a loaded full run).
 */
const longTag = tagGame({ roundMs: 30 * 60_000, reach: 100, tagbackMs: 100 });
const handOffHarness = failoverHarness({
  redisUrl: () => redis.url,
  games: new Map([[longTag.name, longTag]]),
  log,
  failoverAfterMs: 1_000,
});

interface TagRoom {
  status: string;
  round: number;
  it: number;
  endsAtTick: number;
  tags: number;
  scores: number[];
}
const roomOf = (p: FailoverGameProcess, roomId: string) =>
  p.rooms.get(roomId)!.room.state.room as unknown as TagRoom;
const seatOf = (p: FailoverGameProcess, roomId: string, playerId: string) =>
  p.rooms.get(roomId)!.room.state.entities.get(playerId)!.seat as number;

/** Records, on whichever process runs the room, the tick its first round started and ended. */
function watchRound(roomId: string) {
  const seen: { startedAt?: number; endedAt?: number } = {};
  const watch = (runner: RoomRunner) => {
    if (runner.roomId !== roomId) return;
    runner.onTick((result) => {
      const room = runner.room.state.room as unknown as TagRoom;
      if (seen.startedAt === undefined && room.status === 'playing') seen.startedAt = result.tick;
      if (result.events.some((e) => e.type === 'game.tag.round.ended')) seen.endedAt ??= result.tick;
    });
  };
  return { seen, watch };
}

beforeAll(async () => {
  if (found.available) redis = await startRedis();
});
// Each test's processes go with it: a live one would take the next test's rooms.
afterEach(async () => {
  await harness.cleanUp();
  await handOffHarness.cleanUp();
});
afterAll(async () => {
  await harness.cleanUp();
  await handOffHarness.cleanUp();
  await redis?.stop();
});

describe.skipIf(!found.available)(`tag failover across game processes ${found.reason ?? ''}`, () => {
  it('failover - a tag round goes on mid-round on the other process: roles, scores and timer carry, the round ends there', async () => {
    const east = await harness.gameProcess('tag-east');
    const west = await harness.gameProcess('tag-west');
    const runner = east.rooms.create('tag', { private: true });
    const roomId = runner.roomId;
    const round = watchRound(roomId);
    round.watch(runner);
    west.rooms.observe(round.watch, () => {});

    const players = new Map<string, { client: TestGameClient; seq: number }>();
    for (const id of ['ann', 'bob']) {
      const client = await harness.joinRoom(east.url, id, { code: runner.code! });
      expect(await client.next(MessageType.RoomWelcome)).toMatchObject({ roomId, resumed: false });
      players.set(id, { client, seq: 0 });
    }
    /** The player who is it tags (everyone is in reach); waits for the ack. */
    const tagBy = async (p: FailoverGameProcess) => {
      const it = [...players.keys()].find((id) => seatOf(p, roomId, id) === roomOf(p, roomId).it)!;
      const player = players.get(it)!;
      const seq = ++player.seq;
      player.client.send({ type: MessageType.RoomCommand, seq, command: encodeRoomCommand({ type: 'tag' }) });
      await player.client.next(MessageType.RoomFrame, (f) => f.ack >= seq, 30_000);
      return it;
    };

    await until(() => roomOf(east, roomId).status === 'playing', { timeoutMs: 60_000, what: 'round 1' });
    const firstIt = await tagBy(east);
    const secondIt = firstIt === 'ann' ? 'bob' : 'ann';
    expect(roomOf(east, roomId)).toMatchObject({ it: seatOf(east, roomId, secondIt), tags: 1 });
    // A snapshot after the tag, then a move on the journal only.
    await east.hotSnapshot(roomId);
    const mover = players.get(secondIt)!;
    const moveSeq = ++mover.seq;
    mover.client.send({
      type: MessageType.RoomCommand,
      seq: moveSeq,
      command: encodeRoomCommand({ type: 'move', dx: 1, dy: 0 }),
    });
    await mover.client.next(MessageType.RoomFrame, (f) => f.ack >= moveSeq, 30_000);
    await until(async () => (await harness.commandsLogged(roomId)) >= 2, {
      timeoutMs: 60_000,
      what: 'the journal',
    });
    const before = roomOf(east, roomId);
    expect(before).toMatchObject({ status: 'playing', round: 1, tags: 1 });
    const scoresBefore = before.scores.slice();
    expect(scoresBefore[seatOf(east, roomId, firstIt) - 1]).toBe(1);

    await east.kill();
    for (const { client } of players.values()) await client.ended;
    await until(() => west.rooms.get(roomId) !== undefined, { timeoutMs: 60_000, what: 'the take-over' });
    expect(west.failover.recoveries().get(roomId)!.replayedTicks).toBeGreaterThan(0);
    // Same round, same roles, same scores, same end: the timer stood still while no one ran it.
    expect(roomOf(west, roomId)).toMatchObject({
      status: 'playing',
      round: 1,
      it: seatOf(east, roomId, secondIt),
      tags: 1,
      endsAtTick: before.endsAtTick,
      scores: scoresBefore,
    });

    for (const [id, player] of players) {
      const client = await harness.joinRoom(west.url, id, { code: runner.code! });
      expect(await client.next(MessageType.RoomWelcome)).toMatchObject({
        roomId,
        resumed: true,
        lastSeq: player.seq,
      });
      player.client = client;
    }
    // The round goes on there: the one who is it tags back (its tagback protection is long over).
    expect(await tagBy(west)).toBe(secondIt);
    expect(roomOf(west, roomId)).toMatchObject({ it: seatOf(west, roomId, firstIt), tags: 2 });

    await until(() => round.seen.endedAt !== undefined, {
      timeoutMs: 2 * ROUND_MS + 60_000,
      what: 'the round end',
    });
    expect(roomOf(west, roomId)).toMatchObject({ status: 'over', round: 1, it: 0 });
    // Each scored one tag; the runner at the end (secondIt) survived for one more.
    const scores = roomOf(west, roomId).scores;
    expect(scores[seatOf(west, roomId, firstIt) - 1]).toBe(1);
    expect(scores[seatOf(west, roomId, secondIt) - 1]).toBe(2);
    // The round lasted its length in ticks, the outage not counted.
    expect(round.seen.endedAt).toBe(before.endsAtTick);
    expect(round.seen.endedAt! - round.seen.startedAt!).toBe(Math.ceil(ROUND_MS / (1000 / 30)));
  }, 240_000);
});

describe.skipIf(!found.available)(`operator hand-off of one room ${found.reason ?? ''}`, () => {
  it('hand-off - an operator moves a tag room mid-round (operations API): players told GAME_ZONE_MOVED resume on the peer, the round goes on', async () => {
    const east = await handOffHarness.gameProcess('op-east');
    const west = await handOffHarness.gameProcess('op-west');
    const runner = east.rooms.create('tag');
    const roomId = runner.roomId;
    const clients: TestGameClient[] = [];
    for (const id of ['ann', 'bob']) {
      const client = await handOffHarness.joinRoom(east.url, id, { room: roomId });
      await client.next(MessageType.RoomWelcome);
      clients.push(client);
    }
    await until(() => roomOf(east, roomId).status === 'playing', { timeoutMs: 60_000, what: 'round 1' });
    await expect(handOffHarness.operations.handOff('tag-nope', 'moving')).rejects.toMatchObject({
      code: 'GAME_ROOM_UNKNOWN',
    });
    // Nobody tags: who is it and the round's end stay as they are until the move.
    const before = { ...roomOf(east, roomId) };
    // The room's take in the directory lands after its creation: refused until then, as unavailable
    // or, before the directory names its process at all, as unknown (seen in a loaded full run).
    let moved: { to: string | null; from: string; playersTold: number } | undefined;
    await until(
      async () => {
        moved = await handOffHarness.operations.handOff(roomId, 'moving you').catch((error: { code?: string }) => {
          expect(['GAME_HANDOFF_UNAVAILABLE', 'GAME_ROOM_UNKNOWN']).toContain(error.code);
          return undefined;
        });
        return moved !== undefined;
      },
      { timeoutMs: 60_000, what: 'the hand-off' },
    );
    expect(moved).toMatchObject({ from: 'op-east', to: 'op-west', playersTold: 2 });
    for (const client of clients) expect((await client.ended).code).toBe(GameCloseCode.ZoneMoved);
    await until(() => west.rooms.get(roomId) !== undefined, { timeoutMs: 60_000, what: 'the peer took it' });
    expect(east.rooms.get(roomId)).toBeUndefined();
    expect(roomOf(west, roomId)).toMatchObject({
      status: 'playing',
      round: 1,
      it: before.it,
      endsAtTick: before.endsAtTick,
    });
    for (const id of ['ann', 'bob']) {
      const again = await handOffHarness.joinRoom(west.url, id, { room: roomId });
      expect(await again.next(MessageType.RoomWelcome)).toMatchObject({ roomId, resumed: true });
    }
    // Inspection through the same operations finds it on its new process.
    expect(await handOffHarness.operations.inspect(roomId)).toMatchObject({ roomId, players: 2 });
  }, 180_000);
});

describe.skipIf(!found.available)(`matchmaking queue at a drained stop ${found.reason ?? ''}`, () => {
  it('hand-off of all - players queued by matchmaking are told GAME_ZONE_MOVED (to queue again elsewhere) and leave the queue', async () => {
    const east = await harness.gameProcess('queue-east');
    const queued = await harness.matchmake(east.url, 'eve', 'tag');
    await until(() => east.rooms.queued('tag') === 1, { timeoutMs: 60_000, what: 'eve queued' });
    await east.failover.handOffAll('moving you to another server');
    expect((await queued.ended).code).toBe(GameCloseCode.ZoneMoved);
    expect(east.rooms.queued('tag')).toBe(0);
  }, 120_000);
});
