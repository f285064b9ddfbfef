/**
 * A stalled game process under moving bots (what a starved machine did to the chaos run): a
 * gateway and two `--role game` processes (zones `east` and `west`) on one nats-server,
 * PostgreSQL and redis-server. The process running `east` is frozen (`SIGSTOP`) past
 * `game.failoverAfterMs` while its bots keep sending moves, then continued: the other process
 * takes `east` over, every bot resumes there, and the log holds exactly the moves the server
 * answered — not the ones sent to the frozen process, which the clients drop on resume — with
 * the zone's `seq` 1…n across both holders. The kill -9 case is zone-failover.e2e.test.ts.
 */
import { until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, initialAdminToken } from '../testing/api-clients.ts';
import {
  scaledClusterDependencies,
  startScaledCluster,
  type ScaledCluster,
} from '../testing/scaled-cluster.ts';
import { startOutageFleet, type OutageFleet } from './testing/outage-fleet.ts';
import { isContinuous, movesLogged, watchResumes, zoneSeqs } from './testing/zone-history.ts';

const BOTS = 20;
/** Past the default `game.failoverAfterMs` (1.5 s) with room for a slow peer to notice. */
const STALL_MS = 4_000;
const { available, reason } = scaledClusterDependencies({ redis: true });
let cluster: ScaledCluster | undefined;
let fleet: OutageFleet | undefined;

beforeAll(async () => {
  if (!available) return;
  cluster = await startScaledCluster({
    name: 'zone_stall',
    stream: 'STALL',
    authSecret: 'zone-stall-shared-secret-0123456789abcdef',
    env: {
      TICKLINE_GAME_ADVERTISE_HOST: '127.0.0.1',
      TICKLINE_GAME_SPAWN: 'scatter',
      TICKLINE_GAME_SNAPSHOTS_HOT_INTERVAL_MS: '1000',
      TICKLINE_HTTP_RATE_LIMIT_ENABLED: 'false',
      TICKLINE_MARKET_ENABLED: 'false',
    },
    redis: true,
  });
}, 120_000);
afterAll(async () => {
  fleet?.close();
  await cluster?.stop();
});

describe.skipIf(!available)(`zone stall - SIGSTOP of a game process under moving bots (${reason})`, () => {
  it('stall - the zone moves, its bots resume, and the log holds exactly the answered moves with one seq 1…n', async () => {
    const gateway = await cluster!.start('gateway');
    const east = await cluster!.start('game', { TICKLINE_GAME_ZONES: 'east' });
    await cluster!.start('game', { TICKLINE_GAME_ZONES: 'west' });
    const admin = await initialAdminToken(gateway.url, gateway.dataDir);
    await until(
      async () => {
        // A zone is joinable once its process's WebSocket address is in the directory too: the
        // zone can be listed a moment before (a ticket then names no address).
        const zones = (await callJson(gateway.url, 'GET', '/api/v1/game/zones', { bearer: admin })).body
          ?.zones as Array<{ ws: string | null }> | undefined;
        return zones?.length === 2 && zones.every((z) => z.ws !== null);
      },
      { timeoutMs: 30_000, what: 'both zones joinable over WebSocket' },
    );
    fleet = await startOutageFleet({ url: gateway.url, count: BOTS, rateHz: 2, speedPerTick: 0.5 });
    const inEast = fleet.records.filter((r) => r.bot.game.welcome?.zoneId === 'east');
    expect(inEast.length).toBeGreaterThan(0);
    const resumed = watchResumes(inEast);
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    // Frozen with the bots still moving: their moves reach a process that does not answer.
    east.child.kill('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, STALL_MS));
    east.child.kill('SIGCONT');
    await until(() => inEast.every((r) => resumed.has(r.playerId)), {
      timeoutMs: 60_000,
      what: `every bot of east resumed (${resumed.size}/${inEast.length})`,
    });
    const acks = inEast.map((r) => r.acks);
    await until(() => inEast.every((r, i) => r.acks > acks[i]!), {
      timeoutMs: 30_000,
      what: 'every bot of east acknowledged after the stall',
    });
    await fleet.quiesce(30_000);

    // The stall did drop moves in flight, or this test proves nothing.
    expect(inEast.reduce((n, r) => n + r.moves.forgotten.size, 0)).toBeGreaterThan(0);
    for (const r of inEast) expect(r.closed).toBeUndefined();
    // Players without an accepted move have no entry in the log's count.
    const accepted = new Map([...fleet.accepted()].filter(([, count]) => count > 0));
    let logged = new Map<string, number>();
    await until(
      async () => {
        logged = await movesLogged(cluster!.env);
        return [...accepted].every(([player, count]) => logged.get(player) === count);
      },
      { timeoutMs: 30_000, what: 'every answered move in the log' },
    ).catch(() => undefined);
    expect(Object.fromEntries(logged)).toEqual(Object.fromEntries(accepted));
    expect(isContinuous(await zoneSeqs(cluster!.env, 'east'))).toBe(true);
  }, 600_000);
});
