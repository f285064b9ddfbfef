/**
 * Rules rooms outlive their game process, with real processes: a gateway and two `--role game`
 * processes on one nats-server, PostgreSQL and redis-server. Two players make and join a Connect
 * Four room through the gateway and play with the SDK's RoomClient; `kill -9` of the process
 * holding the room mid-game: the other takes the room over (its hot snapshot, then the journal on
 * the log), the gateway's `POST /game/rooms/join {room}` now hands tickets for the survivor, both
 * players resume there (`resumed: true`) on the same board and turn and finish the game. Then an
 * operator hands the room off through the gateway's operations API (`POST /admin/rooms/{id}/handoff`)
 * to a third process, and a rolling restart drains that one: the room goes back to the survivor.
 * The players follow each move. The int-level tests of the same are
 * packages/game/src/module/room-failover.int.test.ts and tag-failover.int.test.ts.
 */
import type { RoomClient } from '@tickline/client/game';
import { requireRedisServer, startRedis, until, type RedisServerHandle } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, initialAdminToken, signUpAndIn, type TestUser } from '../testing/api-clients.ts';
import { boardOf as state, dropFor, joinConnectFour, type Seated } from './testing/connect-four-players.ts';
import {
  scaledClusterDependencies,
  startScaledCluster,
  type ScaledCluster,
} from '../testing/scaled-cluster.ts';

const deps = scaledClusterDependencies();
const redisBinary = requireRedisServer();
const available = deps.available && redisBinary.available;
const reason = deps.available ? (redisBinary.reason ?? 'redis-server found') : deps.reason;
let cluster: ScaledCluster | undefined;
let redis: RedisServerHandle | undefined;
const rooms: RoomClient[] = [];

beforeAll(async () => {
  if (!available) return;
  redis = await startRedis();
  cluster = await startScaledCluster({
    name: 'room_failover',
    stream: 'ROOMFAIL',
    authSecret: 'room-failover-shared-secret-0123456789ab',
    env: {
      TICKLINE_REDIS_URL: redis.url,
      TICKLINE_GAME_ADVERTISE_HOST: '127.0.0.1',
      TICKLINE_GAME_SNAPSHOTS_HOT_INTERVAL_MS: '1000',
      // For the rolling restart at the end; a kill -9 hands nothing off.
      TICKLINE_GAME_HAND_OFF_ON_STOP: 'true',
      TICKLINE_HTTP_RATE_LIMIT_ENABLED: 'false',
      TICKLINE_MARKET_ENABLED: 'false',
    },
  });
}, 120_000);
afterAll(async () => {
  for (const room of rooms) room.close();
  await cluster?.stop();
  await redis?.cleanup();
}, 60_000);

describe.skipIf(!available)(`room failover - kill -9 of the game process holding a room (${reason})`, () => {
  it('failover and rolling restart - both players resume the Connect Four game on the other process, finish it, and follow it on a drain', async () => {
    const gateway = await cluster!.start('gateway');
    const games = [
      await cluster!.start('game', { TICKLINE_GAME_ZONES: 'east' }),
      await cluster!.start('game', { TICKLINE_GAME_ZONES: 'west' }),
    ];
    const ann = await signUpAndIn(gateway.url, `ann.${Date.now()}@example.com`);
    const bob = await signUpAndIn(gateway.url, `bob.${Date.now()}@example.com`);
    const created = await callJson(gateway.url, 'POST', '/api/v1/game/rooms', {
      bearer: ann.accessToken,
      body: { game: 'connect-four' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const roomId = created.body.room.room as string;
    const holder = games.find((g) => new URL(g.url).port === new URL(created.body.ws as string).port)!;
    expect(holder).toBeDefined();

    /** A ticket for the room through the gateway (404 while no live process holds it), then a RoomClient on it. */
    const join = (user: TestUser) => joinConnectFour(gateway.url, user, { room: roomId }, rooms);
    const players: Seated[] = [await join(ann), await join(bob)];
    await until(() => state(players[0]!.room).status === 'playing', {
      timeoutMs: 30_000,
      what: 'the game started',
    });
    const starter = state(players[0]!.room).turn;
    for (const column of [0, 1, 0, 1, 0, 1]) await dropFor(players, column);
    // The moves are on the log once a replay through the gateway reaches their tick.
    const admin = await initialAdminToken(gateway.url, gateway.dataDir);
    const moveTick = players[0]!.room.tick;
    await until(
      async () => {
        const replay = await callJson(
          gateway.url,
          'GET',
          `/api/v1/admin/rooms/${roomId}/replay?player=${ann.userId}`,
          {
            bearer: admin,
          },
        );
        return replay.status === 200 && replay.body.loggedThroughTick >= moveTick;
      },
      { timeoutMs: 60_000, what: 'the journal reached the log' },
    );
    const before = { ...state(players[0]!.room) };

    const closed = players.map((p) => new Promise((resolve) => p.room.on('closed', resolve)));
    holder.child.kill('SIGKILL');
    await Promise.all(closed);
    const resumed = [await join(ann), await join(bob)];
    for (const p of resumed) {
      expect(p.welcome).toMatchObject({ roomId, resumed: true });
      expect(new URL(p.ws).port).not.toBe(new URL(holder.url).port);
      expect(state(p.room)).toMatchObject({ board: before.board, turn: before.turn, status: 'playing' });
    }
    players.splice(0, 2, ...resumed);
    // The starter completes column 0.
    await dropFor(players, 0);
    await until(() => state(players[0]!.room).status === 'won', { timeoutMs: 30_000, what: 'the game won' });
    expect(state(players[1]!.room)).toMatchObject({ status: 'won', winner: starter });

    // An operator moves the room from the survivor to a third game process: told GAME_ZONE_MOVED,
    // the players resume there.
    const survivor = games.find((g) => g !== holder)!;
    const third = await cluster!.start('game', { TICKLINE_GAME_ZONES: 'north' });
    const handedOff = players.map((p) => new Promise<{ code: string }>((resolve) => p.room.on('closed', resolve)));
    // Refused (GAME_HANDOFF_UNAVAILABLE) only until the room's take in the directory landed.
    let answer: Awaited<ReturnType<typeof callJson>> | undefined;
    await until(
      async () => {
        answer = await callJson(gateway.url, 'POST', `/api/v1/admin/rooms/${roomId}/handoff`, {
          bearer: admin,
          body: { message: 'Moving you to another server.' },
        });
        if (answer.status !== 200) expect(answer.body.error.code).toBe('GAME_HANDOFF_UNAVAILABLE');
        return answer.status === 200;
      },
      { timeoutMs: 120_000, what: 'the hand-off' },
    );
    // The peer that took it (null when none had within the wait: the third takes it at its next check).
    expect(answer!.body).toMatchObject({ playersTold: 2, from: expect.stringMatching(/^127\.0\.0\.1\//) });
    for (const close of await Promise.all(handedOff)) expect(close.code).toBe('GAME_ZONE_MOVED');
    const followed: Seated[] = [];
    for (const user of [ann, bob]) {
      const p = await join(user);
      expect(p.welcome).toMatchObject({ roomId, resumed: true });
      expect(new URL(p.ws).port).toBe(new URL(third.url).port);
      followed.push(p);
    }
    players.splice(0, 2, ...followed);

    // A rolling restart: the third is drained (SIGTERM with game.handOffOnStop) while the survivor
    // runs; the room moves back there with its players, who are told and resume on it.
    const moved = players.map(
      (p) => new Promise<{ code: string }>((resolve) => p.room.on('closed', resolve)),
    );
    third.child.kill('SIGTERM');
    // Told the room moved, or — when the process closed its sockets before its game stopped — that
    // the server shut down: either way the seat waits on the peer.
    for (const close of await Promise.all(moved))
      expect(['GAME_ZONE_MOVED', 'GAME_SERVER_SHUTDOWN']).toContain(close.code);
    for (const user of [ann, bob]) {
      const p = await join(user);
      expect(p.welcome).toMatchObject({ roomId, resumed: true });
      expect(new URL(p.ws).port).toBe(new URL(survivor.url).port);
      expect(state(p.room)).toMatchObject({
        status: 'won',
        winner: starter,
        board: state(players[0]!.room).board,
      });
    }
  }, 300_000);
});
