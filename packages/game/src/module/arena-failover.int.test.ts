/**
 * The arena as a rules room survives its game process (the harness of room-failover.int.test.ts:
 * two game processes sharing one log and one Redis). Two players walk a walled map on one, ann over
 * WebSocket and bob over TCP; moves are checked for sequence, tick stamp, rate, speed, teleport and
 * walls. The process goes silent mid-game; the other takes the room and the players resume there
 * (`resumed: true`), see themselves where they were, and the checks carry on from the state before
 * the kill: a move that is legal from the spawn but a teleport from where ann stood is still
 * refused, a stamp older than her last one is stale, her rate window is still as full as she left
 * it, and bob's walk still meets the walls.
 */
import { createInMemoryEventLog } from '@tickline/eventlog';
import { decodeRoomFrame, encodeRoomCommand, MessageType, RoomView } from '@tickline/protocol';
import { requireRedisServer, startRedis, until, type RedisServerHandle } from '@tickline/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { arenaGame } from '../games/arena/arena.ts';
import { RejectReason } from '../zone/errors.ts';
import { WALLED_MAP } from '../zone/zone-fixture.ts';
import type { TestGameClient } from '../transport/test-client.ts';
import { failoverHarness, type FailoverGameProcess } from './room-failover.test-support.ts';

const found = requireRedisServer();
const SPAWN = { x: 2.5, y: 5.5 };
/** Ticks of movement one move may claim: waiting this long between moves gives each its full budget. */
const MAX_MOVE_TICKS = 10;
/**
 * One rate window for the whole test (client ticks never reach it), of five commands: ann spends
 * three before the kill and two after, so her sixth is refused only if the count survived.
 */
const arena = arenaGame({
  map: WALLED_MAP,
  maxSpeedPerTick: 1,
  maxMoveTicks: MAX_MOVE_TICKS,
  teleportDistance: 5,
  viewRadius: 20,
  spawn: SPAWN,
  rateWindowTicks: 1_000_000,
  maxCommandsPerWindow: 5,
});
const games = new Map([[arena.name, arena]]);
const log = createInMemoryEventLog();
let redis: RedisServerHandle;
const harness = failoverHarness({ redisUrl: () => redis.url, games, log, failoverAfterMs: 1_000 });

interface Player {
  client: TestGameClient;
  seq: number;
  /** The tick stamp of this player's last move. */
  stamp: number;
}

const positionOf = (p: FailoverGameProcess, roomId: string, playerId: string) => {
  const { x, y } = p.rooms.get(roomId)!.room.state.entities.get(playerId)!;
  return { x, y };
};

/** What a client sees of the room, read from its frames the way the SDK reads them. */
function viewOf(client: TestGameClient): RoomView {
  const view = new RoomView();
  for (const m of client.received)
    if (m.type === MessageType.RoomFrame && m.frame.length > 0) view.apply(decodeRoomFrame(m.frame));
  return view;
}

beforeAll(async () => {
  if (found.available) redis = await startRedis();
});
afterEach(() => harness.cleanUp());
afterAll(async () => {
  await harness.cleanUp();
  await redis?.stop();
});

describe.skipIf(!found.available)(`arena failover across game processes ${found.reason ?? ''}`, () => {
  it('failover - an arena room goes on on the other process: positions carry, and seq, stamp, rate, teleport and wall checks go on from them', async () => {
    const east = await harness.gameProcess('arena-east');
    const west = await harness.gameProcess('arena-west');
    const runner = east.rooms.create('arena', { private: true });
    const roomId = runner.roomId;
    let holder: FailoverGameProcess = east;

    const players = new Map<string, Player>();
    const urls = (p: FailoverGameProcess) => ({ ann: p.url, bob: p.tcpUrl });
    for (const [id, url] of Object.entries(urls(east))) {
      const client = await harness.joinRoom(url, id, { code: runner.code! });
      expect(await client.next(MessageType.RoomWelcome)).toMatchObject({ roomId, resumed: false });
      players.set(id, { client, seq: 0, stamp: 0 });
    }
    const ann = players.get('ann')!;
    const bob = players.get('bob')!;

    /**
     * A move stamped with the room's tick (as a client's tick clock would), once a full move's worth
     * of ticks has passed since the player's last; resolves with 'accepted' or the reason refused.
     */
    const move = async (player: Player, to: { x: number; y: number }, stamp?: number): Promise<string> => {
      const room = holder.rooms.get(roomId)!;
      await until(() => room.tick >= player.stamp + MAX_MOVE_TICKS, {
        timeoutMs: 60_000,
        what: 'a move budget',
      });
      const tick = stamp ?? room.tick;
      if (stamp === undefined) player.stamp = tick;
      const seq = ++player.seq;
      player.client.send({
        type: MessageType.RoomCommand,
        seq,
        command: encodeRoomCommand({ type: 'move', tick, ...to }),
      });
      // A refusal is sent before the frame that acks its seq: the ack alone means accepted.
      await player.client.next(MessageType.RoomFrame, (f) => f.ack >= seq, 30_000);
      const refused = player.client.received.find((m) => m.type === MessageType.RoomReject && m.seq === seq);
      return refused?.type === MessageType.RoomReject ? refused.reason : 'accepted';
    };

    // Before the kill: ann walks 4 east, then into a wall and a teleport (three of her five
    // commands); bob walks 3 south.
    expect(await move(ann, { x: 6.5, y: 5.5 })).toBe('accepted');
    expect(await move(bob, { x: 2.5, y: 8.5 })).toBe('accepted');
    await east.hotSnapshot(roomId);
    // These two are on the journal only: the take-over replays them.
    expect(await move(ann, { x: 6.5, y: 7.5 })).toBe(RejectReason.Blocked);
    expect(await move(ann, { x: 0.5, y: 0.5 })).toBe(RejectReason.Teleport);
    await until(async () => (await harness.commandsLogged(roomId)) >= 4, {
      timeoutMs: 60_000,
      what: 'the journal',
    });
    expect(positionOf(east, roomId, 'ann')).toEqual({ x: 6.5, y: 5.5 });
    expect(positionOf(east, roomId, 'bob')).toEqual({ x: 2.5, y: 8.5 });

    await east.kill();
    for (const { client } of players.values()) await client.ended;
    await until(() => west.rooms.get(roomId) !== undefined, { timeoutMs: 60_000, what: 'the take-over' });
    holder = west;
    expect(west.failover.recoveries().get(roomId)!.replayedTicks).toBeGreaterThan(0);
    expect(positionOf(west, roomId, 'ann')).toEqual({ x: 6.5, y: 5.5 });

    for (const [id, url] of Object.entries(urls(west))) {
      const player = players.get(id)!;
      const client = await harness.joinRoom(url, id, { code: runner.code! });
      expect(await client.next(MessageType.RoomWelcome)).toMatchObject({
        roomId,
        resumed: true,
        lastSeq: player.seq,
      });
      player.client = client;
    }
    // Each sees both where they were (the first frame after a resume is the whole view).
    for (const { client } of players.values()) {
      await client.next(MessageType.RoomFrame, (f) => f.frame.length > 0, 30_000);
      const view = viewOf(client);
      expect(view.entities.get('ann')).toMatchObject({ x: 6.5, y: 5.5 });
      expect(view.entities.get('bob')).toMatchObject({ x: 2.5, y: 8.5 });
    }

    // Sequence: a seq already used before the kill is stale (the room kept where each player's stands).
    ann.client.send({
      type: MessageType.RoomCommand,
      seq: ann.seq,
      command: encodeRoomCommand({ type: 'move', tick: west.rooms.get(roomId)!.tick, x: 6, y: 5.5 }),
    });
    expect(await ann.client.next(MessageType.RoomReject, (r) => r.seq === ann.seq, 30_000)).toMatchObject({
      reason: RejectReason.StaleSeq,
    });
    // Stamp: older than her last move's (its tick is kept): stale, whatever the move.
    expect(await move(ann, { x: 6, y: 5.5 }, ann.stamp - 1)).toBe(RejectReason.StaleSeq);
    // Teleport: 1.5 from the spawn but 5.5 from where she stood before the kill.
    expect(await move(ann, { x: 1, y: 5.5 })).toBe(RejectReason.Teleport);
    // Walls, from where bob stood: east along his row is open, then north-east into a wall.
    expect(await move(bob, { x: 6.5, y: 8.5 })).toBe('accepted');
    expect(await move(bob, { x: 6.5, y: 6.5 })).toBe(RejectReason.Blocked);
    // Rate: her fifth command in the window is a legal step, her sixth is over the limit.
    expect(await move(ann, { x: 7, y: 5.5 })).toBe('accepted');
    expect(await move(ann, { x: 7.5, y: 5.5 })).toBe(RejectReason.RateLimited);
    expect(positionOf(west, roomId, 'ann')).toEqual({ x: 7, y: 5.5 });
    expect(positionOf(west, roomId, 'bob')).toEqual({ x: 6.5, y: 8.5 });
    await until(() => viewOf(bob.client).entities.get('ann')?.x === 7, {
      timeoutMs: 30_000,
      what: 'bob sees ann',
    });
  }, 240_000);
});
