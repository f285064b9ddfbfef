/**
 * Scaled mode: two identity hosts (two gateways) over one database and one real redis-server
 * share session versions and the sign-in throttle, as bootstrap wires them when `redis.url` is set.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Publisher } from '@tickline/eventlog';
import { AuthSchema, identityModule, type IdentityHost } from '@tickline/identity';
import { createMetricsRegistry, silentLogger, systemClock, type ServiceContext } from '@tickline/kernel';
import { createPgliteSql, migrate, type Sql } from '@tickline/store';
import { startRedis, until, type RedisServerHandle } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveAuthKeys } from './auth-keys.ts';
import { loadAllMigrations } from './migrations.ts';
import {
  createSharedRedis,
  sessionCheckFor,
  sessionVersionsFor,
  type SharedRedisService,
} from './shared-redis.ts';

const PASSWORD = 'correct horse battery staple';
const context = { logger: silentLogger } as unknown as ServiceContext;
const publisher = { publish() {} } as unknown as Publisher;

describe('shared redis - two gateways', () => {
  let redis: RedisServerHandle;
  let sql: Sql;
  let dataDir: string;
  const connections: SharedRedisService[] = [];
  const hosts: IdentityHost[] = [];
  const keys = deriveAuthKeys(randomBytes(32));

  async function gateway(): Promise<{ host: IdentityHost; connection: SharedRedisService }> {
    const connection = createSharedRedis(
      { url: redis.url, keyPrefix: `sr${process.pid}:`, commandTimeoutMs: 1_000 },
      silentLogger,
    );
    await connection.start(context);
    connections.push(connection);
    const host = await identityModule.createHost({
      settings: AuthSchema.parse({}),
      logger: silentLogger,
      metrics: createMetricsRegistry({ processMetrics: false }),
      clock: systemClock,
      sql,
      publisher,
      keys,
      dataDir,
      redis: connection.redis,
      sessionVersions: sessionVersionsFor(connection.redis, sql, systemClock),
    });
    hosts.push(host);
    return { host, connection };
  }

  beforeAll(async () => {
    redis = await startRedis();
    sql = await createPgliteSql({ memory: true });
    await migrate(sql, { migrations: await loadAllMigrations() });
    dataDir = mkdtempSync(join(tmpdir(), 'tickline-shared-redis-'));
  }, 60_000);
  afterAll(async () => {
    for (const host of hosts) await host.identity.close();
    for (const connection of connections) await connection.stop();
    await sql?.close();
    await redis?.cleanup();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('revocation - sign-out everywhere on one gateway refuses the token on the other within seconds', async () => {
    const a = await gateway();
    const b = await gateway();
    const signed = await a.host.identity.signUp({ email: 'ada@example.com', password: PASSWORD });
    const token = signed.tokens.accessToken;
    const onA = await a.host.identity.authenticate(`Bearer ${token}`);
    expect((await b.host.identity.authenticate(`Bearer ${token}`)).userId).toBe(onA.userId);
    const game = sessionCheckFor(sessionVersionsFor(a.connection.redis, undefined, systemClock), silentLogger);
    expect(await game.isSessionCurrent(onA.userId, onA.sessionVersion ?? 0)).toBe(true);

    await b.host.identity.signOutEverywhere(await b.host.identity.authenticate(`Bearer ${token}`));

    expect(await b.host.verifyAccessToken(token)).toBeNull();
    // Gateway A trusts its cached version for at most two seconds.
    await until(async () => (await a.host.verifyAccessToken(token)) === null, { timeoutMs: 10_000 });
    await until(async () => !(await game.isSessionCurrent(onA.userId, onA.sessionVersion ?? 0)), {
      timeoutMs: 10_000,
    });
  });

  it('throttle - failed sign-ins on two gateways count against one limit', async () => {
    const a = await gateway();
    const b = await gateway();
    await a.host.identity.signUp({ email: 'bob@example.com', password: PASSWORD });
    const wrong = (host: IdentityHost) =>
      host.identity.signIn({ email: 'bob@example.com', password: 'wrong horse battery staple' }).then(
        () => 'signed in',
        (error: { code?: string }) => error.code,
      );
    // Five failures per account (the default), spread over both gateways.
    for (const host of [a.host, b.host, a.host, b.host, a.host])
      expect(await wrong(host)).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await wrong(b.host)).toBe('AUTH_TOO_MANY_ATTEMPTS');
    const right = await b.host.identity
      .signIn({ email: 'bob@example.com', password: PASSWORD })
      .catch((error: { code?: string }) => error.code);
    expect(right).toBe('AUTH_TOO_MANY_ATTEMPTS');
  });
});
