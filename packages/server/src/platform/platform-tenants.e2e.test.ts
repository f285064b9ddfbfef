/**
 * Seed 004's tenants with real processes: one `all` process (game zones, platform group
 * `platform`) and one `platform` process under group `tenant-b`, sharing a nats-server
 * (JetStream) and one PostgreSQL database. Both project the same game events independently into
 * the same tables; the second tenant stopped falls behind (lag visible to the first), and started
 * again catches up to the same rows.
 */
import type { TestGameClient } from '@tickline/game/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, initialAdminToken, signUpAndIn, type TestUser } from '../testing/api-clients.ts';
import { joinAndWalk } from '../testing/game-walk.ts';
import {
  scaledClusterDependencies,
  startScaledCluster,
  type ClusterProcess,
  type ScaledCluster,
} from '../testing/scaled-cluster.ts';

const { available, reason } = scaledClusterDependencies();
let cluster: ScaledCluster | undefined;
const start = (role: string, extra?: Record<string, string>): Promise<ClusterProcess> =>
  cluster!.start(role, extra);

beforeAll(async () => {
  if (!available) return;
  cluster = await startScaledCluster({
    name: 'platform_tenants',
    stream: 'TENANTS',
    authSecret: 'platform-tenants-shared-secret-0123456789',
    env: { TICKLINE_MARKET_ENABLED: 'false', TICKLINE_GAME_ZONES: 'north' },
  });
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

async function walk(url: string, user: TestUser, moves: number): Promise<void> {
  const opened: TestGameClient[] = [];
  try {
    await joinAndWalk(url, user, moves, (client) => opened.push(client));
  } finally {
    for (const client of opened) client.drop();
  }
}

/** Polls the movement history until it has `count` rows; returns their event ids. */
async function movementsOf(url: string, token: string, playerId: string, count: number): Promise<string[]> {
  let ids: string[] = [];
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const response = await callJson(url, 'GET', `/api/v1/admin/players/${playerId}/movements`, {
      bearer: token,
    });
    ids = (response.body.movements ?? []).map((m: { eventId: string }) => m.eventId);
    if (ids.length >= count) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return ids;
}

describe.skipIf(!available)(
  `platform tenants - two consumer groups on one NATS and one database (${reason})`,
  () => {
    it('tenants - both groups project the same events; a stopped tenant lags, then catches up', async () => {
      const game = await start('all');
      const tenantEnv = { TICKLINE_PLATFORM_CONSUMER_GROUP: 'tenant-b' };
      let tenant = await start('platform', tenantEnv);
      const admin = await initialAdminToken(game.url, game.dataDir);
      const alice = await signUpAndIn(game.url, `alice.${Date.now()}@example.com`);
      await walk(game.url, alice, 10);
      // joined and 10 moves (the leave comes only after the resume grace).
      const inA = await movementsOf(game.url, admin, alice.userId, 11);
      const inB = await movementsOf(tenant.url, admin, alice.userId, 11);
      expect(inA.length).toBeGreaterThanOrEqual(11);
      expect(inB.slice(-11)).toEqual(inA.slice(-11));

      tenant.child.kill('SIGTERM');
      expect(await tenant.exited).toBe(0);
      await walk(game.url, alice, 5);
      const more = await movementsOf(game.url, admin, alice.userId, inA.length + 5);
      const streams = await callJson(game.url, 'GET', '/api/v1/admin/streams', { bearer: admin });
      const lag = streams.body.consumers.find((c: { name: string }) => c.name === 'tenant-b')?.lag ?? 0;
      expect(lag).toBeGreaterThan(0);

      tenant = await start('platform', tenantEnv);
      const caughtUp = await movementsOf(tenant.url, admin, alice.userId, more.length);
      expect(caughtUp.slice(0, more.length)).toEqual(more.slice(0, more.length));
      const after = await callJson(tenant.url, 'GET', '/api/v1/admin/streams', { bearer: admin });
      expect(after.body.checkpoints.map((c: { consumer: string }) => c.consumer)).toEqual(
        expect.arrayContaining(['platform', 'tenant-b']),
      );
    }, 180_000);
  },
);
