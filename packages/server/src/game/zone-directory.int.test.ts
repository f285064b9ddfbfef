/**
 * Zones shared between processes through a real Redis: a zone process (game component) and a
 * gateway without zones (coordinator component), each with its own config and Redis connection,
 * as two processes would have.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInMemoryEventLog, createPublisher } from '@tickline/eventlog';
import { MessageType, TestGameClient } from '@tickline/game/internal';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { freePort, requireRedisServer, startRedis, type RedisServerHandle } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTicklineConfig } from '../config/load.ts';
import { createGameComponent } from './game-component.ts';
import { createGameCoordinatorComponent } from './game-coordinator.ts';

const found = requireRedisServer();
const context = { logger: silentLogger, fail: () => {} };
const SECRET = 'one-auth-secret-shared-by-every-process-0123456789';

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!found.available)(`zone directory on Redis ${found.reason ?? ''}`, () => {
  let redis: RedisServerHandle;
  const dirs: string[] = [];
  const config = (env: Record<string, string>) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tickline-zone-directory-'));
    dirs.push(dataDir);
    return loadTicklineConfig({
      env: {
        TICKLINE_DATA_DIR: dataDir,
        TICKLINE_AUTH_SECRET: SECRET,
        TICKLINE_REDIS_URL: redis.url,
        TICKLINE_REDIS_KEY_PREFIX: `zd${process.pid}:`,
        ...env,
      },
    });
  };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('directory - a gateway sends a player to a zone of another process, and forgets it once it is gone', async () => {
    const tcpPort = await freePort();
    const zoneConfig = config({
      TICKLINE_GAME_ZONES: 'east',
      TICKLINE_GAME_TCP_PORT: String(tcpPort),
      TICKLINE_GAME_TCP_HOST: '127.0.0.1',
      TICKLINE_GAME_ADVERTISE_HOST: '127.0.0.1',
    });
    const metrics = createMetricsRegistry({ processMetrics: false });
    const log = createInMemoryEventLog();
    const publisher = createPublisher({ log, spillDir: join(zoneConfig.dataDir, 'spill'), metrics });
    await publisher.start(context);
    const zones = createGameComponent({
      config: zoneConfig,
      metrics,
      publisher: () => publisher,
      log: () => log,
    });
    await zones.start(context);
    const gateway = createGameCoordinatorComponent(config({}));
    await gateway.start(context);
    let client: TestGameClient | undefined;
    try {
      await until(() => gateway.coordinator.list().some((z) => z.zoneId === 'east'), 5_000);
      const ticket = gateway.coordinator.join('remote-player');
      expect(ticket).toMatchObject({ zone: 'east', tcp: `tcp://127.0.0.1:${tcpPort}`, ws: null });
      client = await TestGameClient.tcp(tcpPort);
      client.send({ type: MessageType.Hello, token: ticket.token });
      expect(await client.next(MessageType.Welcome)).toMatchObject({
        playerId: 'remote-player',
        zoneId: 'east',
      });
      await until(() => gateway.coordinator.list().find((z) => z.zoneId === 'east')?.players === 1, 5_000);

      // A graceful stop takes the zone out of the directory; the gateway drops it on its next read.
      await zones.stop();
      await until(() => !gateway.coordinator.list().some((z) => z.zoneId === 'east'), 3_000);
      expect(() => gateway.coordinator.join('late')).toThrow(/every zone is full or draining/);
    } finally {
      client?.drop();
      await gateway.stop();
      await zones.stop();
      await publisher.stop();
    }
  }, 30_000);
});
