/**
 * The zone lease on a real Redis, in one game process: a stall past the lease (the event loop
 * blocked, as a `SIGSTOP` or a starved machine does) leaves the zones fenced until the zones
 * directory's own heartbeat answers. Neither the rooms directory's heartbeat (which, with no room,
 * never reaches Redis) nor a zones heartbeat that timed out may let the woken process tick a zone
 * a peer may have taken over meanwhile: that is how a zone's seq came twice after a failover.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInMemoryEventLog, createPublisher } from '@tickline/eventlog';
import { createMetricsRegistry, loadConfig, systemClock } from '@tickline/kernel';
import { freePort, requireRedisServer, startRedis, until, type RedisServerHandle } from '@tickline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { gameConfig } from '../config.ts';
import { recordingLogger } from '../rules/rules-fixture.ts';
import { createGameHost } from './game-host.ts';
import { createRedisZoneDirectory } from './zone-directory.ts';

const found = requireRedisServer();
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Blocks the event loop for `ms`: no timer, no socket, no heartbeat runs meanwhile. */
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** One game process with `east` on `redis`, its log lines recorded. */
async function startHost(redis: RedisServerHandle) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-zone-fencing-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const { game: settings } = loadConfig(z.strictObject({ game: gameConfig.schema }), {
    env: {
      TICKLINE_GAME_ZONES: 'east',
      TICKLINE_GAME_TCP_PORT: String(await freePort()),
      TICKLINE_GAME_TCP_HOST: '127.0.0.1',
      TICKLINE_GAME_FAILOVER_AFTER_MS: '1500',
    },
  });
  const logger = recordingLogger();
  const context = { logger, fail: () => {} };
  const metrics = createMetricsRegistry({ processMetrics: false });
  const log = createInMemoryEventLog();
  const publisher = createPublisher({ log, spillDir: join(dataDir, 'spill'), metrics });
  await publisher.start(context);
  cleanup.push(() => publisher.stop());
  const keyPrefix = `fencing${process.pid}-${cleanup.length}:`;
  const host = createGameHost({
    settings,
    role: 'game',
    publisher,
    eventLog: log,
    keys: { streamTicketSecret: new Uint8Array(32).fill(7) },
    config: { dataDir, redis: { url: redis.url, keyPrefix, commandTimeoutMs: 250 }, http: { tls: {} } },
    logger,
    metrics,
    clock: systemClock,
  });
  const service = host.services.find((s) => s.name === 'game')!;
  await service.start(context);
  cleanup.push(() => service.stop());
  const runner = host.zones!.runners.find((r) => r.zoneId === 'east')!;
  return { logger, runner, keyPrefix };
}

describe.skipIf(!found.available)(`zone fencing on Redis ${found.reason ?? ''}`, () => {
  it('fencing - woken from a stall past the lease, a process ticks no zone until the zones heartbeat answers', async () => {
    const redis = await startRedis();
    cleanup.push(() => redis.stop());
    const { logger, runner } = await startHost(redis);
    await until(() => runner.tick > 0 && runner.leased, { timeoutMs: 10_000, what: 'east ticking under its lease' });

    // Redis stops answering, then the process stalls past the lease (half of failoverAfterMs).
    redis.pause();
    cleanup.unshift(() => redis.resume());
    stall(1_000);
    const tickAtWake = runner.tick;
    // One turn of the loop: every timer due during the stall has run, the rooms heartbeat among
    // them (it needs no Redis with no room). The zones lease stays lapsed all the same.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(runner.leased).toBe(false);
    // The zones heartbeat the wake started times out (its first failure is logged): still lapsed.
    const failures = () =>
      logger.lines.filter((l) => l.message?.startsWith('zone directory sync failed')).length;
    await until(() => failures() > 0, { timeoutMs: 10_000, what: 'the zones heartbeat failed' });
    expect(runner.leased).toBe(false);
    expect(runner.tick).toBe(tickAtWake);

    // Redis answers again: east is still this process's, so its lease is renewed and it ticks on.
    redis.resume();
    await until(() => runner.leased && runner.tick > tickAtWake, {
      timeoutMs: 10_000,
      what: 'east ticking again once Redis answered',
    });
  }, 30_000);

  it('fencing - a zone whose take at start went unanswered runs, and is taken in the directory once Redis answers', async () => {
    const redis = await startRedis();
    cleanup.push(() => redis.stop());
    // Redis answers nothing while the process starts: east runs unfenced (play never waits on
    // Redis), held at no epoch, so it could be neither fenced nor handed off.
    redis.pause();
    cleanup.unshift(() => redis.resume());
    const { runner, keyPrefix } = await startHost(redis);
    expect(runner.running).toBe(true);
    redis.resume();
    const directory = createRedisZoneDirectory({ url: redis.url, keyPrefix });
    cleanup.push(() => directory.close());
    await until(async () => (await directory.read()).some((e) => e.zoneId === 'east' && e.epoch !== undefined), {
      timeoutMs: 15_000,
      what: 'east held at an epoch in the directory',
    });
    // Fenced now: a peer starting with east is refused it while this process heartbeats.
    expect(await directory.acquire('east', 'peer', { expectedEpoch: -1, staleAfterMs: 1_500 })).toBeUndefined();
  }, 30_000);
});
