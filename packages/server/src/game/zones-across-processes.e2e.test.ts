/**
 * Scaled mode with real processes: a gateway-only process (the one that serves the dashboard),
 * a platform process, and two `--role game` processes owning the zones `east` and `west`, all on
 * one nats-server, one PostgreSQL and one redis-server. The gateway's operations API lists the
 * zones of both game processes, shows a player's live state from the process that holds it, and
 * a snapshot and a restore issued on the gateway take effect in the zone's own process: the
 * connected player is told and stands where the snapshot had it. With no game process left the
 * gateway answers a coded 503 naming the game role.
 */
import { requireRedisServer, startRedis, until, type RedisServerHandle } from '@tickline/testing';
import { MessageType, TestGameClient } from '@tickline/game/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, initialAdminToken, signUpAndIn, type TestUser } from '../testing/api-clients.ts';
import {
  scaledClusterDependencies,
  startScaledCluster,
  type ClusterProcess,
  type ScaledCluster,
} from '../testing/scaled-cluster.ts';

const deps = scaledClusterDependencies();
const redisBinary = requireRedisServer();
const available = deps.available && redisBinary.available;
const reason = deps.available ? (redisBinary.reason ?? 'redis-server found') : deps.reason;
let cluster: ScaledCluster | undefined;
let redis: RedisServerHandle | undefined;
const clients: TestGameClient[] = [];

beforeAll(async () => {
  if (!available) return;
  redis = await startRedis();
  cluster = await startScaledCluster({
    name: 'zones_across',
    stream: 'ZONES',
    authSecret: 'zones-across-processes-secret-0123456789',
    env: { TICKLINE_REDIS_URL: redis.url, TICKLINE_GAME_ADVERTISE_HOST: '127.0.0.1' },
  });
}, 120_000);
afterAll(async () => {
  for (const client of clients) client.drop();
  await cluster?.stop();
  await redis?.cleanup();
});

interface Seat {
  client: TestGameClient;
  playerId: string;
  x: number;
  y: number;
  seq: number;
  tick: number;
}

/** Joins `zone` through the gateway's coordinator and says hello on the zone process's socket. */
async function join(gateway: string, user: TestUser, zone: string): Promise<Seat> {
  const seat = await callJson(gateway, 'POST', '/api/v1/game/join', {
    body: { zone },
    bearer: user.accessToken,
  });
  if (seat.status !== 201) throw new Error(`join answered ${seat.status}: ${JSON.stringify(seat.body)}`);
  const client = await TestGameClient.ws(seat.body.ws);
  clients.push(client);
  client.send({ type: MessageType.Hello, token: seat.body.token });
  const welcome = await client.next(MessageType.Welcome, () => true, 10_000);
  return {
    client,
    playerId: welcome.playerId,
    x: welcome.x,
    y: welcome.y,
    seq: welcome.lastSeq,
    tick: welcome.tick,
  };
}

/** One accepted move by `dx`. */
async function step(seat: Seat, dx: number): Promise<void> {
  seat.seq += 1;
  seat.x += dx;
  seat.client.send({ type: MessageType.Move, seq: seat.seq, tick: seat.tick, x: seat.x, y: seat.y });
  const ack = await seat.client.nextAck((a) => a.seq === seat.seq, 10_000);
  seat.tick = ack.tick;
}

describe.skipIf(!available)(
  `zones across processes - a gateway operating two game processes (${reason})`,
  () => {
    let gateway: ClusterProcess;
    let admin: string;
    const get = (path: string) => callJson(gateway.url, 'GET', path, { bearer: admin });
    const post = (path: string, body?: unknown) =>
      callJson(gateway.url, 'POST', path, { bearer: admin, ...(body === undefined ? {} : { body }) });

    it('operations - the gateway lists zones of both game processes; snapshot and restore act in the owner', async () => {
      gateway = await cluster!.start('gateway');
      // One after the other: processes with different module sets migrate one database.
      await cluster!.start('game', { TICKLINE_GAME_ZONES: 'east' });
      await cluster!.start('game', { TICKLINE_GAME_ZONES: 'west' });
      await cluster!.start('platform');
      admin = await initialAdminToken(gateway.url, gateway.dataDir);

      // The dashboard's Operations page: served by the gateway, zones from the two other processes.
      // (The dashboard itself when built; without a build, the page saying how to build it.)
      const page = await fetch(`${gateway.url}/admin`, { headers: { accept: 'text/html' } });
      expect([200, 503]).toContain(page.status);
      await until(async () => (await get('/api/v1/admin/zones')).body?.zones?.length === 2, {
        timeoutMs: 30_000,
      });
      const listed = await get('/api/v1/admin/zones');
      expect(listed.status).toBe(200);
      expect(listed.body.zones.map((z: { zoneId: string }) => z.zoneId)).toEqual(['east', 'west']);

      // A player in east (east's process), sent there by the gateway's coordinator through Redis.
      const ada = await signUpAndIn(gateway.url, `ada.${Date.now()}@example.com`);
      await until(
        async () =>
          (await callJson(gateway.url, 'GET', '/api/v1/game/zones', { bearer: ada.accessToken })).body?.zones
            ?.length === 2,
        { timeoutMs: 30_000, what: 'both zones joinable on the gateway' },
      );
      const seat = await join(gateway.url, ada, 'east');
      expect(seat.client).toBeDefined();
      await step(seat, 0.3);
      const snapshotX = seat.x;

      const taken = await post('/api/v1/admin/zones/east/snapshots');
      expect(taken.status).toBe(201);
      expect(taken.body).toMatchObject({ zoneId: 'east', players: 1 });
      const listedSnapshots = await get('/api/v1/admin/zones/east/snapshots');
      expect(listedSnapshots.body.snapshots.map((s: { id: string }) => s.id)).toContain(taken.body.id);
      // west's process does not have east's snapshot: the request went to the owner only.
      const inWest = (await get(`/api/v1/admin/zones/west/snapshots`)).body.snapshots as Array<{
        id: string;
        zoneId: string;
      }>;
      expect(inWest.map((s) => s.id)).not.toContain(taken.body.id);
      expect(inWest.every((s) => s.zoneId === 'west')).toBe(true);

      await step(seat, -0.3);
      await step(seat, -0.3);
      // Live state from east's process, through the gateway (the player row comes from the platform).
      await until(async () => (await get(`/api/v1/admin/players/${seat.playerId}`)).status === 200, {
        timeoutMs: 30_000,
      });
      await until(async () => (await get(`/api/v1/admin/players/${seat.playerId}`)).body.live?.x === seat.x, {
        timeoutMs: 10_000,
      });

      const restored = await post(`/api/v1/admin/zones/east/snapshots/${taken.body.id}/restore`);
      expect(restored.status).toBe(200);
      expect(restored.body).toMatchObject({ snapshotId: taken.body.id, players: 1 });
      // Took effect in east's process: its player is told, and stands where the snapshot had it.
      const notice = await seat.client.next(MessageType.Notice, (n) => n.text.includes('restored'), 10_000);
      expect(notice.level).toBe('warn');
      const live = await get(`/api/v1/admin/players/${seat.playerId}`);
      expect(live.body.live).toMatchObject({ zoneId: 'east', x: snapshotX });

      // An unknown zone is a 404 while game processes answer.
      const unknown = await post('/api/v1/admin/zones/north/snapshots');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('GAME_ZONE_UNKNOWN');
    }, 180_000);

    it('operations - with no game process left, zone operations answer 503 naming the game role', async () => {
      for (const game of cluster!.processes().filter((p) => p.role === 'game')) {
        game.child.kill('SIGTERM');
        await game.exited;
      }
      const zones = await get('/api/v1/admin/zones');
      expect(zones.status).toBe(503);
      expect(zones.body.error).toMatchObject({ code: 'EVLOG_RPC_NO_RESPONDER', details: { role: 'game' } });
      expect(zones.body.error.message).toContain('no game process answered');
      // The rest of the operations API still answers on the gateway.
      expect((await get('/api/v1/admin/streams')).status).toBe(200);
    }, 60_000);
  },
);
