/**
 * @module CCU against game processes for `npm run bench:scale`: K real `tickline start --role game`
 * processes (one zone each, players scattered so interest management applies, the zone directory
 * in Redis as in the scaled topology) on the same nats-server and PostgreSQL as the fan-out part.
 * Players are bench/game's headless SDK clients, joined straight at each process's WebSocket with
 * join tokens signed by the key the processes derive from the shared `auth.secret` (the
 * coordinator's HTTP join is not what is measured), moving 10×/s with 2% speed hacks. Per step
 * (total CCU spread evenly over the K zones): the processes' CPU from `/proc`, the zones' tick
 * duration p99 from their `/metrics` histogram, move → ack latency on every ack, and the share of
 * moves the load generator delivered.
 */
import { deriveJoinTokenSecret } from '@tickline/game/internal';
import { deriveAuthKeys, type ClusterProcess, type ScaledCluster } from '@tickline/server/internal';
import { cpuMicros } from '../lib/proc-stat.ts';
import { progress } from '../lib/report.ts';
import { drive } from '../game/phase.ts';
import { Recorder, type LoadClient } from '../game/recorder.ts';
import { HEALTHY_CPU_SHARE, HEALTHY_TICK_P99_MS, RULES, seededRandom } from '../game/rules.ts';
import { joinTickline } from '../game/tickline-load.ts';
import { unpin } from '../fanout/multi/multi-phase.ts';
import { addBuckets, countBetween, quantileBetween, readBuckets, type Buckets } from './histogram.ts';

const TICK_METRIC = 'tickline_game_tick_duration_seconds';
const CONNECT_CONCURRENCY = 100;
const STOP_TIMEOUT_MS = 15_000;
/** The generator counts as the limit below this share of the moves it should send. */
const DELIVERED_FLOOR = 0.95;

export interface GameStep {
  processes: number;
  ccu: number;
  /** Sum over the game processes, in cores (1 = one core busy). */
  gameCores: number;
  /** nats-server's CPU meanwhile (every accepted move is a `game.player.moved` on the log), cores. */
  natsCores: number;
  /** Game CPU per player at the full move rate, % of a core per 1,000 players. */
  cpuPer1kPct: number;
  tickP99Ms: number;
  ackP50Ms: number;
  ackP99Ms: number;
  deliveredRatio: number;
  rejectsHonest: number;
  /** Tick p99 within target, every process under HEALTHY_CPU_SHARE, the generator kept up. */
  healthy: boolean;
}

export interface GamePhaseOptions {
  cluster: ScaledCluster;
  redisUrl: string;
  authSecret: string;
  processes: number;
  /** Total CCU per step, growing; the ramp stops after the first unhealthy step. */
  steps: readonly number[];
  warmupMs: number;
  windowMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function metricsText(server: ClusterProcess): Promise<string> {
  return (await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
}

async function tickBuckets(servers: readonly ClusterProcess[]): Promise<Buckets> {
  const pages = await Promise.all(servers.map(metricsText));
  return pages.map((page) => readBuckets(page, TICK_METRIC)).reduce(addBuckets, new Map());
}

export async function runGamePhase(o: GamePhaseOptions): Promise<GameStep[]> {
  const secret = deriveJoinTokenSecret(deriveAuthKeys(Buffer.from(o.authSecret, 'utf8')).streamTicketSecret);
  const maxPerZone = Math.ceil(Math.max(...o.steps) / o.processes);
  const servers: ClusterProcess[] = [];
  const clients: LoadClient[] = [];
  const steps: GameStep[] = [];
  try {
    for (let i = 1; i <= o.processes; i++) {
      const server = await o.cluster.start('game', {
        TICKLINE_REDIS_URL: o.redisUrl,
        TICKLINE_GAME_ZONES: `k${o.processes}-z${i}`,
        TICKLINE_GAME_SPAWN: 'scatter',
        TICKLINE_GAME_MAX_PLAYERS_PER_ZONE: String(maxPerZone),
        // Every player connects from loopback.
        TICKLINE_GAME_LIMITS_MAX_CONNECTIONS_PER_ADDRESS: String(maxPerZone * 2),
        TICKLINE_MARKET_ENABLED: 'false',
      });
      unpin(server.child.pid!);
      servers.push(server);
    }
    const zones = servers.map((server, i) => ({
      ws: `${server.url.replace('http', 'ws')}/game/ws`,
      zone: `k${o.processes}-z${i + 1}`,
    }));
    const recorder = new Recorder();
    const random = seededRandom(42);
    for (const ccu of o.steps) {
      let next = clients.length;
      const worker = async () => {
        while (next < ccu) {
          const target = zones[next++ % zones.length]!;
          clients.push(await joinTickline(target.ws, secret, target.zone, recorder, random));
        }
      };
      await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
      progress(`game ×${o.processes}: ${clients.length} players`);
      const stop = drive(clients, random);
      try {
        await sleep(o.warmupMs);
        const pids = servers.map((s) => s.child.pid!);
        const natsPid = o.cluster.nats.pid();
        const natsCpu = () => (natsPid === undefined ? NaN : cpuMicros(natsPid));
        const cpuBefore = pids.map(cpuMicros);
        const natsBefore = natsCpu();
        const ticksBefore = await tickBuckets(servers);
        recorder.start();
        const t0 = performance.now();
        await sleep(o.windowMs);
        const elapsed = performance.now() - t0;
        const latency = recorder.stop();
        const cpu = pids.map((pid, i) => (cpuMicros(pid) - cpuBefore[i]!) / 1000 / elapsed);
        const natsCores = (natsCpu() - natsBefore) / 1000 / elapsed;
        const ticksAfter = await tickBuckets(servers);
        const gameCores = cpu.reduce((a, b) => a + b, 0);
        const deliveredRatio = recorder.sent / ((clients.length * RULES.movesPerSecond * elapsed) / 1000);
        const tickP99Ms = quantileBetween(ticksBefore, ticksAfter, 0.99) * 1000;
        // CPU at the full rate: per move delivered × the rate, so a short generator does not flatter.
        const cpuPer1kPct = (gameCores / Math.max(1e-9, deliveredRatio) / clients.length) * 1000 * 100;
        const step: GameStep = {
          processes: o.processes,
          ccu: clients.length,
          gameCores,
          natsCores,
          cpuPer1kPct,
          tickP99Ms,
          ackP50Ms: latency.p50Ms,
          ackP99Ms: latency.p99Ms,
          deliveredRatio,
          rejectsHonest: recorder.honestRejects,
          healthy:
            tickP99Ms <= HEALTHY_TICK_P99_MS &&
            cpu.every((share) => share <= HEALTHY_CPU_SHARE) &&
            deliveredRatio >= DELIVERED_FLOOR &&
            countBetween(ticksBefore, ticksAfter) > 0,
        };
        progress(
          `game ×${o.processes} @ ${step.ccu}: ${gameCores.toFixed(2)} cores, tick p99 ≤ ${tickP99Ms} ms, ` +
            `ack p99 ${latency.p99Ms.toFixed(1)} ms, moves delivered ${(deliveredRatio * 100).toFixed(0)} %` +
            (step.healthy ? '' : ' — not healthy'),
        );
        steps.push(step);
        if (!step.healthy) break;
      } finally {
        stop();
      }
    }
    return steps;
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(
      servers.map(async (server) => {
        if (server.child.exitCode !== null) return;
        server.child.kill('SIGTERM');
        await Promise.race([server.exited, sleep(STOP_TIMEOUT_MS).then(() => server.child.kill('SIGKILL'))]);
      }),
    );
  }
}
