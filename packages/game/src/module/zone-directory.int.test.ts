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
    const zones = createGameHost(zoneDeps).services[0]!;
    await zones.start(context);
    const gatewayHost = createGameHost({ ...deps('gateway', {}), publisher });
    const gateway = { coordinator: gatewayHost.coordinator!, service: gatewayHost.services[0]! };
    await gateway.service.start(context);
    let client: TestGameClient | undefined;
    try {
      await until(() => gateway.coordinator.list().some((z) => z.zoneId === 'east'), { timeoutMs: 5_000 });
      const ticket = gateway.coordinator.join('remote-player');
      expect(ticket).toMatchObject({ zone: 'east', tcp: `tcp://127.0.0.1:${tcpPort}`, ws: null });
      client = await TestGameClient.tcp(tcpPort);
      client.send({ type: MessageType.Hello, token: ticket.token });
      expect(await client.next(MessageType.Welcome)).toMatchObject({
        playerId: 'remote-player',
        zoneId: 'east',
      });
      await until(() => gateway.coordinator.list().find((z) => z.zoneId === 'east')?.players === 1, {
        timeoutMs: 5_000,
      });

      // A graceful stop takes the zone out of the directory; the gateway drops it on its next read.
      await zones.stop();
      await until(() => !gateway.coordinator.list().some((z) => z.zoneId === 'east'), { timeoutMs: 3_000 });
      expect(() => gateway.coordinator.join('late')).toThrow(/every zone is full or draining/);
    } finally {
      client?.drop();
      await gateway.service.stop();
      await zones.stop();
      await publisher.stop();
    }
  }, 30_000);

  it('directory - a zone left silent is an orphan, and one process alone wins its claim', async () => {
    const open = () => createRedisZoneDirectory({ url: redis.url, keyPrefix: `orphans${process.pid}:` });
    const [a, b] = [open(), open()];
    try {
      await until(
        async () => {
          await a.publish([
            {
              zoneId: 'north',
              tcp: null,
              ws: 'ws://a/game/ws',
              players: 1,
              capacity: 9,
              draining: false,
              updatedAt: 0,
            },
          ]);
          return (await b.read()).length === 1;
        },
        { timeoutMs: 5_000 },
      );
      expect(await b.orphans(60_000)).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect((await b.orphans(100)).map((e) => e.zoneId)).toEqual(['north']);
      const claims = await Promise.all([a.claim('north', 'a', 5_000), b.claim('north', 'b', 5_000)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
