/**
 * Zones shared between processes through a real Redis: a zone process (game component) and a
 * gateway without zones (coordinator component), each with its own config and Redis connection,
 * as two processes would have.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInMemoryEventLog, createPublisher } from '@tickline/eventlog';
import {
  createMetricsRegistry,
  loadConfig,
  silentLogger,
  systemClock,
  type RequestAuth,
} from '@tickline/kernel';
import { freePort, requireRedisServer, startRedis, until, type RedisServerHandle } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { gameConfig } from '../config.ts';
import { MessageType } from '@tickline/protocol';
import { TestGameClient } from '../transport/test-client.ts';
import { createGameHost, type GameHostDeps } from './game-host.ts';
import { createRedisZoneDirectory } from './zone-directory.ts';

const found = requireRedisServer();
const context = { logger: silentLogger, fail: () => {} };
const SECRET = 'one-auth-secret-shared-by-every-process-0123456789';

const zoneConfig = (d: GameHostDeps) => d.config.dataDir;

describe.skipIf(!found.available)(`zone directory on Redis ${found.reason ?? ''}`, () => {
  let redis: RedisServerHandle;
  const dirs: string[] = [];
  // Both processes derive their join-token key from the same secret, as a deployment shares auth.secret.
  const keys = { streamTicketSecret: new TextEncoder().encode(SECRET) };
  const deps = (role: string, env: Record<string, string>): GameHostDeps => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tickline-zone-directory-'));
    dirs.push(dataDir);
    const { game } = loadConfig(z.strictObject({ game: gameConfig.schema }), { env });
    const redisSettings = { url: redis.url, keyPrefix: `zd${process.pid}:`, commandTimeoutMs: 250 };
    return {
      settings: game,
      role,
      publisher,
      eventLog: log,
      keys,
      config: { dataDir, redis: redisSettings, http: { tls: {} } },
      // The join routes are not exercised here; a gateway coordinates only where identity runs.
      identity: { auth: {} as RequestAuth<FastifyRequest> },
      logger: silentLogger,
      metrics,
      clock: systemClock,
    };
  };
  const metrics = createMetricsRegistry({ processMetrics: false });
  const log = createInMemoryEventLog();
  let publisher: ReturnType<typeof createPublisher>;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('directory - a gateway sends a player to a zone of another process, and forgets it once it is gone', async () => {
    const tcpPort = await freePort();
    const zoneDeps = deps('game', {
      TICKLINE_GAME_ZONES: 'east',
      TICKLINE_GAME_TCP_PORT: String(tcpPort),
      TICKLINE_GAME_TCP_HOST: '127.0.0.1',
      TICKLINE_GAME_ADVERTISE_HOST: '127.0.0.1',
    });
    publisher = createPublisher({ log, spillDir: join(zoneConfig(zoneDeps), 'spill'), metrics });
    await publisher.start(context);
    zoneDeps.publisher = publisher;
    const zones = createGameHost(zoneDeps).services.find((s) => s.name === 'game')!;
    await zones.start(context);
    const gatewayHost = createGameHost({ ...deps('gateway', {}), publisher });
    const gateway = { coordinator: gatewayHost.coordinator!, service: gatewayHost.services[0]! };
    await gateway.service.start(context);
    let client: TestGameClient | undefined;
    try {
      await until(() => gateway.coordinator.list().some((z) => z.zoneId === 'east'), { timeoutMs: 30_000 });
      const ticket = gateway.coordinator.join('remote-player');
      expect(ticket).toMatchObject({ zone: 'east', tcp: `tcp://127.0.0.1:${tcpPort}`, ws: null });
      client = await TestGameClient.tcp(tcpPort);
      client.send({ type: MessageType.Hello, token: ticket.token });
      expect(await client.next(MessageType.Welcome)).toMatchObject({
        playerId: 'remote-player',
        zoneId: 'east',
      });
      await until(() => gateway.coordinator.list().find((z) => z.zoneId === 'east')?.players === 1, {
        timeoutMs: 30_000,
      });

      // A graceful stop takes the zone out of the directory; the gateway drops it on its next read.
      await zones.stop();
      await until(() => !gateway.coordinator.list().some((z) => z.zoneId === 'east'), { timeoutMs: 30_000 });
      expect(() => gateway.coordinator.join('late')).toThrow(/every zone is full or draining/);
    } finally {
      client?.drop();
      await gateway.service.stop();
      await zones.stop();
      await publisher.stop();
    }
  }, 30_000);

  it('directory - a zone left silent is an orphan; one process alone takes it, and the former holder learns it lost it', async () => {
    const open = () => createRedisZoneDirectory({ url: redis.url, keyPrefix: `orphans${process.pid}:` });
    const [a, b] = [open(), open()];
    const north = (epoch: number) => ({
      zoneId: 'north',
      tcp: null,
      ws: 'ws://a/game/ws',
      players: 1,
      capacity: 9,
      draining: false,
      updatedAt: 0,
      epoch,
    });
    try {
      expect(await a.ready(5_000)).toBe(true);
      expect(await b.ready(5_000)).toBe(true);
      const epoch = await a.acquire('north', 'a', { expectedEpoch: -1, staleAfterMs: 60_000 });
      expect(epoch).toBe(1);
      // While a heartbeats, a process starting with the same zone is refused it.
      expect(await a.publish('a', [north(1)])).toEqual([]);
      expect(await b.acquire('north', 'b', { expectedEpoch: -1, staleAfterMs: 60_000 })).toBeUndefined();
      expect((await b.read()).map((e) => [e.zoneId, e.owner, e.epoch])).toEqual([['north', 'a', 1]]);
      expect(await b.orphans(60_000)).toEqual([]);
      // Silent from now on: it becomes an orphan once 100 ms pass without a heartbeat (waited
      // for, not slept: a busy machine's timer and Redis's clock may disagree by a few ms).
      let orphan: Awaited<ReturnType<typeof b.orphans>>[number] | undefined;
      await until(async () => ([orphan] = await b.orphans(100)).length > 0, {
        what: 'north an orphan',
        intervalMs: 20,
      });
      expect(orphan?.epoch).toBe(1);
      // Two survivors race with the epoch they saw: exactly one takes it, at a higher epoch.
      const takes = await Promise.all([
        b.acquire('north', 'b', { expectedEpoch: 1, staleAfterMs: 60_000 }),
        a.acquire('north', 'c', { expectedEpoch: 1, staleAfterMs: 60_000 }),
      ]);
      expect(takes.filter((t) => t !== undefined)).toEqual([2]);
      const winner = takes[0] === 2 ? 'b' : 'c';
      // The former holder wakes up: its heartbeat writes nothing and says the zone is lost.
      expect(await a.publish('a', [north(1)])).toEqual(['north']);
      expect(await b.publish(winner, [north(2)])).toEqual([]);
      expect((await a.read()).map((e) => e.owner)).toEqual([winner]);
      // A hand-off: the holder lets it go; it is an orphan at once, marked as handed off.
      expect(await b.release(north(2), 'a', 2)).toBe(false);
      expect(await b.release(north(2), winner, 2)).toBe(true);
      const [handed] = await a.orphans(1_000);
      expect(handed).toMatchObject({ zoneId: 'north', handoffFrom: winner, epoch: 2 });
      expect(await a.acquire('north', 'a', { expectedEpoch: 2, staleAfterMs: 60_000 })).toBe(3);
      expect(await b.publish(winner, [north(2)])).toEqual(['north']);
      // Redis restarted empty: the holder's heartbeat claims its zone again instead of losing it.
      await redis.stop();
      await redis.restart();
      expect(await a.ready(5_000)).toBe(true);
      expect(await a.publish('a', [north(3)])).toEqual([]);
      expect((await b.read()).map((e) => [e.zoneId, e.owner, e.epoch])).toEqual([['north', 'a', 3]]);
      // …and it is fenced again: another process cannot take it while it heartbeats.
      expect(await b.acquire('north', 'b', { expectedEpoch: -1, staleAfterMs: 60_000 })).toBeUndefined();
    } finally {
      await a.close();
      await b.close();
    }
  });
});
