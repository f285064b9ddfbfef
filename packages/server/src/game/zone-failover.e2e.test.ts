/**
 * Zone failover with real processes: a gateway and two `--role game` processes (zones `east` and
 * `west`) on one nats-server, PostgreSQL and redis-server, and a fleet of bots (300 by default,
 * `TICKLINE_FAILOVER_BOTS` to change) joined through the gateway's coordinator. `kill -9` of the
 * process running `east`: the other game process takes the zone over from its hot snapshot and
 * the log, every bot of `east` resumes there with its session at the position it had, and the
 * zone's event sequence in the log has no gap and no repeat across the failover. The hand-off on
 * purpose is zone-handoff.e2e.test.ts.
 */
import { requireRedisServer, startRedis, until, type RedisServerHandle } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, initialAdminToken } from '../testing/api-clients.ts';
import {
  scaledClusterDependencies,
  startScaledCluster,
  type ClusterProcess,
  type ScaledCluster,
} from '../testing/scaled-cluster.ts';
import { startOutageFleet, type OutageFleet } from './testing/outage-fleet.ts';
import { isContinuous, positions, watchResumes, zoneSeqs as seqsIn } from './testing/zone-history.ts';

const BOTS = Number(process.env.TICKLINE_FAILOVER_BOTS ?? 300);
const RATE_HZ = 2;
const deps = scaledClusterDependencies();
const redisBinary = requireRedisServer();
const available = deps.available && redisBinary.available;
const reason = deps.available ? (redisBinary.reason ?? 'redis-server found') : deps.reason;
let cluster: ScaledCluster | undefined;
let redis: RedisServerHandle | undefined;
let fleet: OutageFleet | undefined;
const zoneSeqs = (zoneId: string) => seqsIn(cluster!.env, zoneId);

beforeAll(async () => {
  if (!available) return;
  redis = await startRedis();
  cluster = await startScaledCluster({
    name: 'zone_failover',
    stream: 'FAILOVER',
    authSecret: 'zone-failover-shared-secret-0123456789ab',
    env: {
      TICKLINE_REDIS_URL: redis.url,
      TICKLINE_GAME_ADVERTISE_HOST: '127.0.0.1',
      TICKLINE_GAME_SPAWN: 'scatter',
      TICKLINE_GAME_MAX_PLAYERS_PER_ZONE: String(BOTS),
      TICKLINE_GAME_SNAPSHOTS_HOT_INTERVAL_MS: '1000',
      TICKLINE_HTTP_RATE_LIMIT_ENABLED: 'false',
      // Every bot connects from loopback: the per-address cap would refuse all but the first 32.
      TICKLINE_GAME_LIMITS_MAX_CONNECTIONS_PER_ADDRESS: '1000',
      TICKLINE_MARKET_ENABLED: 'false',
    },
  });
}, 120_000);
afterAll(async () => {
  fleet?.close();
  await cluster?.stop();
  await redis?.cleanup();
});

describe.skipIf(!available)(`zone failover - kill -9 of a game process under bots (${reason})`, () => {
  let gateway: ClusterProcess;
  let admin: string;
  const zonesOnGateway = async () =>
    ((await callJson(gateway.url, 'GET', '/api/v1/admin/zones', { bearer: admin })).body?.zones ??
      []) as Array<{
      zoneId: string;
      ccu: number;
    }>;

  it('failover - every bot of the killed process resumes on the other at its position; the zone history is continuous', async () => {
    gateway = await cluster!.start('gateway');
    const east = await cluster!.start('game', { TICKLINE_GAME_ZONES: 'east' });
    await cluster!.start('game', { TICKLINE_GAME_ZONES: 'west' });
    admin = await initialAdminToken(gateway.url, gateway.dataDir);
    await until(async () => (await zonesOnGateway()).length === 2, {
      timeoutMs: 30_000,
      what: 'both zones listed',
    });
    // The gateway's coordinator must know both zones before bots join (least loaded first).
    await until(
      async () =>
        (await callJson(gateway.url, 'GET', '/api/v1/game/zones', { bearer: admin })).body?.zones?.length ===
        2,
      { timeoutMs: 30_000, what: 'both zones joinable' },
    );

    fleet = await startOutageFleet({ url: gateway.url, count: BOTS, rateHz: RATE_HZ, speedPerTick: 0.5 });
    const inEast = fleet.records.filter((r) => r.bot.game.welcome?.zoneId === 'east');
    expect(inEast.length).toBeGreaterThan(0);
    const resumed = watchResumes(inEast);
    // Moving for a while (snapshots and the log both carry positions), then every move answered
    // and a hot snapshot interval passed, so "its position" is well defined at the kill.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await fleet.quiesce(30_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const before = positions(inEast);
    const seqsBefore = await zoneSeqs('east');

    const killedAt = performance.now();
    east.child.kill('SIGKILL');
    await until(() => inEast.every((r) => resumed.has(r.playerId)), {
      timeoutMs: 60_000,
      what: `every bot of east resumed (${resumed.size}/${inEast.length})`,
    });
    const delays = inEast.map((r) => resumed.get(r.playerId)!.at - killedAt).sort((a, b) => a - b);
    const p = (q: number) => Math.round(delays[Math.min(delays.length - 1, Math.floor(q * delays.length))]!);
    console.log(
      `failover: ${inEast.length} of ${BOTS} bots in the killed zone; resumed after ${p(0)} ms (first), ${p(0.5)} ms (p50), ${p(0.99)} ms (p99), ${p(1)} ms (last)`,
    );
    for (const r of inEast) {
      const seen = resumed.get(r.playerId)!;
      expect(seen.zoneId).toBe('east');
      // At its position: the welcome of the new process puts it where it stood (wire quantization aside).
      const was = before.get(r.playerId)!;
      expect(Math.abs(seen.x - was.x)).toBeLessThan(0.05);
      expect(Math.abs(seen.y - was.y)).toBeLessThan(0.05);
      expect(r.closed).toBeUndefined();
    }
    // The bound; generous polling above, the figure is logged either way.
    expect(p(1)).toBeLessThan(Number(process.env.TICKLINE_FAILOVER_MAX_MS ?? 10_000));

    // Both zones on the survivor, listed through the gateway; play goes on in east.
    await until(async () => (await zonesOnGateway()).length === 2, { timeoutMs: 15_000 });
    fleet.resume();
    const acks = inEast.reduce((n, r) => n + r.acks, 0);
    await until(() => inEast.reduce((n, r) => n + r.acks, 0) > acks + inEast.length, {
      timeoutMs: 30_000,
      what: 'moves acknowledged in east after the failover',
    });
    await fleet.quiesce(30_000);

    // History: one sequence 1..n for the zone, across both processes, without gap or repeat.
    const seqs = await zoneSeqs('east');
    expect(seqs.length).toBeGreaterThan(seqsBefore.length);
    expect(isContinuous(seqs)).toBe(true);
  }, 600_000);
});
