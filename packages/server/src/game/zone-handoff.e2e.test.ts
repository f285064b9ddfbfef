/**
 * Moving zones on purpose, and fencing, with real processes: a gateway and `--role game` processes
 * on one nats-server, PostgreSQL and redis-server, and bots joined through the gateway.
 *
 * 1. Hand-off: `POST /admin/zones/east/handoff` on the gateway moves `east` from its process to
 *    the other; every bot of `east` resumes there with its session, at its position.
 * 2. A restarted process configured with `east` does not start it: a live peer holds it.
 * 3. A stalled process (SIGSTOP past `game.failoverAfterMs`) loses its zones to a peer; woken
 *    (SIGCONT), it writes nothing more to them: each zone runs once and its event history has no
 *    gap and no repeat.
 * 4. Rolling restart: SIGTERM with `game.handOffOnStop` hands every zone of the process to a peer,
 *    and the bots follow.
 *
 * A broken sequence prints the events of its repeated seqs and the processes' zone logs;
 * `TICKLINE_HANDOFF_LOG_DIR=dir` also writes every process's whole log there.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, initialAdminToken } from '../testing/api-clients.ts';
import {
  scaledClusterDependencies,
  startScaledCluster,
  type ClusterProcess,
  type ScaledCluster,
} from '../testing/scaled-cluster.ts';
import { startOutageFleet, type BotRecord, type OutageFleet } from './testing/outage-fleet.ts';
import {
  isContinuous,
  positions,
  repeatedSeqEvents,
  seqProblems,
  watchResumes,
  zoneSeqs,
} from './testing/zone-history.ts';

const BOTS = Number(process.env.TICKLINE_HANDOFF_BOTS ?? 60);
const { available, reason } = scaledClusterDependencies({ redis: true });
let cluster: ScaledCluster | undefined;
let fleet: OutageFleet | undefined;

beforeAll(async () => {
  if (!available) return;
  // Redis beside nats-server and the database, started together.
  cluster = await startScaledCluster({
    name: 'zone_handoff',
    stream: 'HANDOFF',
    authSecret: 'zone-handoff-shared-secret-0123456789abcd',
    redis: true,
    env: {
      TICKLINE_GAME_ADVERTISE_HOST: '127.0.0.1',
      TICKLINE_GAME_SPAWN: 'scatter',
      TICKLINE_GAME_MAX_PLAYERS_PER_ZONE: String(BOTS),
      TICKLINE_GAME_SNAPSHOTS_HOT_INTERVAL_MS: '500',
      TICKLINE_GAME_HAND_OFF_ON_STOP: 'true',
      TICKLINE_HTTP_RATE_LIMIT_ENABLED: 'false',
      TICKLINE_GAME_LIMITS_MAX_CONNECTIONS_PER_ADDRESS: '1000',
      TICKLINE_MARKET_ENABLED: 'false',
    },
  });
}, 120_000);
afterAll(async () => {
  fleet?.close();
  for (const p of cluster?.processes() ?? []) if (p.child.exitCode === null) p.child.kill('SIGCONT');
  await cluster?.stop();
});

describe.skipIf(!available)(`zone hand-off and fencing - real processes (${reason})`, () => {
  let gateway: ClusterProcess;
  let admin: string;
  const zonesOnGateway = async () =>
    ((await callJson(gateway.url, 'GET', '/api/v1/admin/zones', { bearer: admin })).body?.zones ??
      []) as Array<{ zoneId: string; ccu: number }>;
  const ownerOf = (p: ClusterProcess) => `127.0.0.1/${p.child.pid}`;
  /** The zones of the lines `msg` that process `p` logged (from line `from` on). */
  const zoneLines = (p: ClusterProcess, msg: string, from = 0) =>
    p
      .logLines()
      .slice(from)
      .filter((l) => l.msg === msg)
      .map((l) => l.zone as string);
  /** Waits until process `p` logged `msg`. */
  const logged = (p: ClusterProcess, msg: string) =>
    until(() => p.logLines().some((l) => l.msg === msg), {
      timeoutMs: 60_000,
      what: `${p.role} logged '${msg}'`,
    });
  const metricsOf = async (p: ClusterProcess) => (await fetch(`${p.url}/metrics`)).text();
  /** The zones process `p` runs, from its own /metrics (a zone's player gauge). */
  const metricZones = async (p: ClusterProcess) =>
    [...(await metricsOf(p)).matchAll(/^tickline_game_players\{zone="([^"]+)"\}/gm)].map((m) => m[1]);
  /**
   * Events process `p` has yet to get into the log (queued, spilled or in flight), from its /metrics;
   * undefined if it shows no publisher.
   */
  const unpublished = async (p: ClusterProcess) => {
    const series = [
      ...(await metricsOf(p)).matchAll(/^tickline_publisher_(?:queued|spilled|in_flight)\{[^}]*\} (\S+)$/gm),
    ];
    return series.length === 0 ? undefined : series.reduce((sum, m) => sum + Number(m[1]), 0);
  };
  /** Waits until every bot of `records` resumed in `zoneId` at the position it had before. */
  async function followed(
    records: readonly BotRecord[],
    resumed: ReturnType<typeof watchResumes>,
    zoneId: string,
    since: number,
  ) {
    const before = positions(records);
    await until(() => records.every((r) => resumed.get(r.playerId)?.zoneId === zoneId), {
      timeoutMs: 60_000,
      what: `every bot of ${zoneId} resumed (${records.filter((r) => resumed.get(r.playerId)?.zoneId === zoneId).length}/${records.length})`,
    }).catch((error: unknown) => {
      printZoneLogs();
      throw error;
    });
    const delays = records.map((r) => resumed.get(r.playerId)!.at - since).sort((x, y) => x - y);
    console.log(
      `hand-off of ${zoneId}: ${records.length} bots resumed after ${Math.round(delays[0]!)} ms (first), ${Math.round(delays[Math.floor(delays.length / 2)]!)} ms (median), ${Math.round(delays.at(-1)!)} ms (last)`,
    );
    for (const r of records) {
      const seen = resumed.get(r.playerId)!;
      const was = before.get(r.playerId)!;
      expect(Math.abs(seen.x - was.x)).toBeLessThan(0.05);
      expect(Math.abs(seen.y - was.y)).toBeLessThan(0.05);
      expect(r.closed).toBeUndefined();
    }
  }
  /** What the processes said about zones, warnings and errors: a failure here is otherwise silent. */
  function printZoneLogs(): void {
    for (const p of cluster!.processes()) {
      const lines = p
        .logLines()
        .filter((l) => (typeof l.level === 'number' && l.level >= 40) || typeof l.zone === 'string')
        .slice(-40);
      console.error(`--- ${p.role} ${ownerOf(p)}\n${lines.map((l) => JSON.stringify(l)).join('\n')}`);
    }
  }
  /** Each zone listed exactly once on the gateway (no process runs a copy). */
  async function listedOnce(): Promise<void> {
    await until(
      async () => {
        const ids = (await zonesOnGateway()).map((z) => z.zoneId).sort();
        return ids.join() === 'east,west';
      },
      { timeoutMs: 30_000, what: 'east and west listed once each' },
    );
  }
  /** Each zone's events carry seqs 1…n, each once; else the repeats and the processes' logs are printed. */
  async function seqsContinuous(): Promise<void> {
    for (const zoneId of ['east', 'west']) {
      const seqs = await zoneSeqs(cluster!.env, zoneId);
      if (isContinuous(seqs)) continue;
      printZoneLogs();
      console.error(
        `--- ${zoneId}: events of repeated seqs\n${(await repeatedSeqEvents(cluster!.env, zoneId)).join('\n')}`,
      );
      if (process.env.TICKLINE_HANDOFF_LOG_DIR)
        for (const p of cluster!.processes())
          writeFileSync(
            join(process.env.TICKLINE_HANDOFF_LOG_DIR, `${p.role}-${p.child.pid}.jsonl`),
            p
              .logLines()
              .map((l) => JSON.stringify(l))
              .join('\n'),
          );
      expect.fail(`${zoneId}: ${seqProblems(seqs)}`);
    }
  }
  async function movesGoOn(records: readonly BotRecord[]): Promise<void> {
    fleet!.resume();
    const acks = records.reduce((n, r) => n + r.acks, 0);
    await until(() => records.reduce((n, r) => n + r.acks, 0) > acks + records.length, {
      timeoutMs: 30_000,
      what: 'moves acknowledged after the move',
    });
    await fleet!.quiesce(30_000);
  }

  it('hand-off, restart, stall, rolling restart - players follow their zone, and a zone never runs twice', async () => {
    // Independent processes (each game process holds only its own zone): started together.
    const [started, a, b] = await Promise.all([
      cluster!.start('gateway'),
      cluster!.start('game', { TICKLINE_GAME_ZONES: 'east' }),
      cluster!.start('game', { TICKLINE_GAME_ZONES: 'west' }),
    ]);
    gateway = started;
    admin = await initialAdminToken(gateway.url, gateway.dataDir);
    await listedOnce();
    await until(
      async () =>
        (await callJson(gateway.url, 'GET', '/api/v1/game/zones', { bearer: admin })).body?.zones?.length ===
        2,
      { timeoutMs: 30_000, what: 'both zones joinable' },
    );
    fleet = await startOutageFleet({ url: gateway.url, count: BOTS, rateHz: 2, speedPerTick: 0.5 });
    const inEast = fleet.records.filter((r) => r.bot.game.welcome?.zoneId === 'east');
    const inWest = fleet.records.filter((r) => r.bot.game.welcome?.zoneId === 'west');
    expect(inEast.length).toBeGreaterThan(0);
    const resumed = watchResumes(fleet.records);
    // Playing: every bot has moved from where it joined (its position is what the hand-off keeps).
    await until(() => fleet!.records.every((r) => r.acks >= 2), {
      timeoutMs: 60_000,
      what: 'every bot had moves acknowledged',
    });
    await fleet.quiesce(30_000);

    // 1. Hand-off on purpose, issued on the gateway.
    const handedAt = performance.now();
    const handed = await callJson(gateway.url, 'POST', '/api/v1/admin/zones/east/handoff', {
      bearer: admin,
      body: { message: 'moving east' },
    });
    expect(handed.status).toBe(200);
    expect(handed.body).toMatchObject({ from: ownerOf(a), to: ownerOf(b), playersTold: inEast.length });
    await followed(inEast, resumed, 'east', handedAt);
    await listedOnce();
    await movesGoOn(inEast);

    // 2. The process that let east go restarts with east configured: b holds it, so it stays there.
    a.child.kill('SIGTERM');
    await a.exited;
    const a2 = await cluster!.start('game', { TICKLINE_GAME_ZONES: 'east' });
    // Its start is over once its zones run (its configured ones taken, or left to their holder).
    await logged(a2, 'game zones running');
    expect(zoneLines(a2, 'zone held by another live game process: not started here')).toEqual(['east']);
    expect(await metricZones(a2)).toEqual([]);
    expect((await metricZones(b)).sort()).toEqual(['east', 'west']);
    await listedOnce();
    expect((await zonesOnGateway()).find((z) => z.zoneId === 'east')?.ccu).toBe(inEast.length);

    // 3. b stalls past its failover: a2 takes both zones; woken, b writes nothing more to them.
    resumed.clear();
    b.child.kill('SIGSTOP');
    // Moves sent now queue in the stalled process's socket: without the fence it would apply
    // them on waking and publish seqs the new holder publishes too.
    fleet.resume();
    // Stalled until a2 took both zones over (past game.failoverAfterMs): the takeover, not a time
    // meant to outlast it, which a loaded machine can stretch.
    const linesBeforeStall = a2.logLines().length;
    const takenOver = () =>
      new Set(
        a2
          .logLines()
          .slice(linesBeforeStall)
          .filter((l) => l.msg === 'zone taken over')
          .map((l) => l.zone),
      );
    await until(() => takenOver().has('east') && takenOver().has('west'), {
      timeoutMs: 60_000,
      what: 'a2 took both zones of the stalled process over',
    }).catch((error: unknown) => {
      printZoneLogs();
      throw error;
    });
    const bLinesBeforeWake = b.logLines().length;
    b.child.kill('SIGCONT');
    await until(() => fleet!.records.every((r) => resumed.has(r.playerId)), {
      timeoutMs: 60_000,
      what: `every bot resumed after the stall (${resumed.size}/${BOTS})`,
    });
    await fleet.quiesce(30_000);
    // Woken, b learns from its first heartbeat that both zones are lost and stops them: what it
    // wrote until then (nothing, with the fence) is all it ever writes to them, once in the log.
    const lost = 'zone taken over by another game process: stopped here';
    await until(
      async () =>
        zoneLines(b, lost, bLinesBeforeWake).sort().join() === 'east,west' && (await unpublished(b)) === 0,
      { timeoutMs: 60_000, intervalMs: 100, what: 'woken, b stopped both zones and published all it had' },
    ).catch((error: unknown) => {
      printZoneLogs();
      throw error;
    });
    await listedOnce();
    await seqsContinuous();
    expect(b.child.exitCode).toBeNull();

    // 4. Rolling restart: a2 (holding both zones now) is stopped; its zones go to b with their players.
    resumed.clear();
    const stoppedAt = performance.now();
    a2.child.kill('SIGTERM');
    expect(await a2.exited).toBe(0);
    await followed(inEast, resumed, 'east', stoppedAt);
    await followed(inWest, resumed, 'west', stoppedAt);
    await listedOnce();
    await movesGoOn(fleet.records);
    await seqsContinuous();
  }, 600_000);
});
