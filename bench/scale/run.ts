/**
 * @module `npm run bench:scale` — how Tickline's work grows with the number of processes, on real
 * processes of the one binary: the figures `docs/capacity.md` plans from.
 *
 * Deliveries: the multi-process fan-out of `npm run bench:fanout` (K gateway processes on one port,
 * events through a nats-server log; bench/fanout/multi/multi-phase.ts) at BENCH_SCALE_SUBSCRIBERS
 * WebSocket subscribers (default 2000) and BENCH_SCALE_RATES events/s each (default "10,25"), for
 * K in BENCH_GATEWAYS (default "1,2"): deliveries/s, p99, the gateways' CPU, and deliveries per
 * core-second (1e6 / CPU µs per delivery).
 * CCU: K `--role game` processes (BENCH_GAME_PROCESSES, default "1,2") with their zone directory
 * in Redis, bench/game's players ramped through BENCH_SCALE_CCU (default "300,600,900,1200,1500" in total)
 * until a step is unhealthy (scale/game-phase.ts): the largest healthy CCU, game CPU per 1,000
 * players, and CCU per core.
 *
 * Partitions: the game log's moves appended to BENCH_SCALE_PARTITIONS streams (default "1,4";
 * BENCH_SCALE_MOVES moves each, default 100000) on one nats-server (scale/partition-phase.ts):
 * nats-server CPU per logged move and the largest move rate it sustained.
 * Interest: K gateways in BENCH_SCALE_INTEREST_GATEWAYS (default "1,2,4"; more processes than
 * this machine's 2 cores, said in the output) each on its own port, the BENCH_SCALE_SUBSCRIBERS
 * split over them, each gateway's subscribers wanting a disjoint tenth of 100 market channels, the
 * feed publishing BENCH_SCALE_INTEREST_RATE events/s (default 500) round-robin over the 100
 * (scale/interest-phase.ts): messages each gateway received from the delivery log per second (its
 * `tickline_realtime_log_messages_total`) beside what a reader of the whole delivery log received
 * in the same window, as every gateway of the old design did (scale/whole-log-reader.ts).
 * BENCH_SCALE_PHASES (default "memory,deliveries,interest,ccu,partitions") picks the parts to run.
 *
 * BENCH_SCALE_WIRES (default "ws"; "ws,sse" for both) is the delivery rows' wire; each row prints
 * its gateways' resident memory per connection (kb_per_conn: RSS growth after a full GC).
 * Memory: one gateway with N idle connections of each wire in BENCH_SCALE_MEMORY_WIRES (default
 * "ws,sse"), N in BENCH_SCALE_MEMORY_CONNECTIONS (default "5000,19900": this machine's hard
 * `ulimit -n` is 20,000 and the gateway holds a descriptor per connection besides its own;
 * scale/memory-phase.ts): resident memory per connection after a full collection and where it
 * went, and the same 1 s after the last connection without one.
 *
 * Placement as in the fan-out bench's multi-process rows: the load generator on core 0, servers
 * on any core. This machine has 2 cores: the load generator's players and subscribers take a
 * large share of them, so "largest healthy" here is a floor set by the machine, and per-core
 * figures (CPU per delivery, per player) are what carries to other hardware. BENCH_WARMUP_SECONDS
 * (2), BENCH_WINDOW_SECONDS (5). Needs `ulimit -n` above the subscriber count. The last line is
 * `RESULT {json}`.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { requireRedisServer, startRedis, type RedisServerHandle } from '@tickline/testing';
import { openMultiRig, runMultiPhase, type MultiRig } from '../fanout/multi/multi-phase.ts';
import type { PhaseResult } from '../fanout/phase.ts';
import type { MemorySplit } from '../fanout/multi/memory-split.ts';
import { envInt, printResult, printTable, progress, round } from '../lib/report.ts';
import { runGamePhase, type GameStep } from './game-phase.ts';
import { runInterestPhase, type InterestRow } from './interest-phase.ts';
import { runMemoryPhase, type MemoryRow } from './memory-phase.ts';
import { runPartitionPhase, type PartitionRow } from './partition-phase.ts';

const list = (name: string, fallback: string) =>
  (process.env[name] ?? fallback).split(',').map((s) => Number(s.trim()));
const subscribers = envInt('BENCH_SCALE_SUBSCRIBERS', 2000);
const rates = list('BENCH_SCALE_RATES', '10,25');
const gatewayCounts = list('BENCH_GATEWAYS', '1,2,4');
const partitionCounts = list('BENCH_SCALE_PARTITIONS', '1,4');
/** The wire of the delivery rows: WebSocket, SSE or both (kb_per_conn of each). */
const impls = (process.env.BENCH_SCALE_WIRES ?? 'ws').split(',').map((wire) => {
  const impl = `tickline-${wire.trim()}-multi`;
  if (impl !== 'tickline-ws-multi' && impl !== 'tickline-sse-multi')
    throw new Error(`BENCH_SCALE_WIRES takes ws and sse, got ${wire}`);
  return impl;
});
const moves = envInt('BENCH_SCALE_MOVES', 100_000);
const phases = new Set(
  (process.env.BENCH_SCALE_PHASES ?? 'memory,deliveries,interest,ccu,partitions')
    .split(',')
    .map((s) => s.trim()),
);
const memoryWires = (process.env.BENCH_SCALE_MEMORY_WIRES ?? 'ws,sse').split(',').map((wire) => {
  const impl = `tickline-${wire.trim()}`;
  if (impl !== 'tickline-ws' && impl !== 'tickline-sse')
    throw new Error(`BENCH_SCALE_MEMORY_WIRES takes ws and sse, got ${wire}`);
  return impl;
});
const memoryCounts = list('BENCH_SCALE_MEMORY_CONNECTIONS', '5000,19900');
const interestCounts = list('BENCH_SCALE_INTEREST_GATEWAYS', '1,2,4');
const interestRate = envInt('BENCH_SCALE_INTEREST_RATE', 500);
const gameCounts = list('BENCH_GAME_PROCESSES', '1,2');
const ccuSteps = list('BENCH_SCALE_CCU', '300,600,900,1200,1500');
const warmupMs = envInt('BENCH_WARMUP_SECONDS', 2) * 1000;
const windowMs = envInt('BENCH_WINDOW_SECONDS', 5) * 1000;
/** The fan-out latency target (issue 13) a rate must meet to count. */
const P99_TARGET_MS = 50;

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Only the partition rows asked for: no processes, no fan-out rig. */
class SkipProcesses extends Error {}

const openFiles = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());
const mostConnections = Math.max(subscribers, ...(phases.has('memory') ? memoryCounts : []));
if (Number.isFinite(openFiles) && openFiles < mostConnections + 100)
  throw new Error(`ulimit -n is ${openFiles}; run \`ulimit -n ${mostConnections + 100}\` first.`);

const started = performance.now();
const redisBinary = requireRedisServer();
if (!redisBinary.available) throw new Error(`bench:scale needs redis-server: ${redisBinary.reason}`);
progress('starting nats-server, PostgreSQL and redis-server');
let rig: MultiRig | undefined;
let redis: RedisServerHandle | undefined;
const memories: MemoryRow[] = [];
const deliveries: PhaseResult[] = [];
const interests: InterestRow[] = [];
const games: GameStep[] = [];
const partitionRows: PartitionRow[] = [];
const failures: string[] = [];
try {
  if (!['memory', 'deliveries', 'interest', 'ccu'].some((phase) => phases.has(phase)))
    throw new SkipProcesses();
  // Dependencies first, so they are not confined to the load generator's core.
  rig = await openMultiRig('bench_scale');
  redis = await startRedis();
  try {
    execFileSync('taskset', ['-a', '-cp', '0', String(process.pid)], { stdio: 'ignore' });
  } catch {
    progress('taskset unavailable: running unpinned');
  }
  for (const connections of phases.has('memory') ? memoryCounts : []) {
    for (const wire of memoryWires) {
      const row = await runMemoryPhase(rig, {
        wire,
        connections,
        snapshotDir: process.env.BENCH_HEAP_SNAPSHOTS || undefined,
      });
      progress(
        `memory ${row.wire} × ${connections}: ${round(row.split.rssKb, 1)} KB/conn after GC ` +
          `(${round(row.unforced.rssKb, 1)} before)`,
      );
      memories.push(row);
    }
  }
  for (const gateways of phases.has('deliveries') ? gatewayCounts : []) {
    for (const rate of rates) {
      for (const impl of impls) {
        const result = await runMultiPhase(rig, { impl, gateways, subscribers, rate, warmupMs, windowMs });
        progress(
          `deliveries ×${gateways} @ ${rate}/s × ${subscribers}: ${round(deliveriesPerSecond(result), 0)}/s, ` +
            `p99 ${round(result.p99Ms, 1)} ms, ${round(result.cpuUsPerMsg, 2)} µs each`,
        );
        deliveries.push(result);
      }
    }
  }
  for (const gateways of phases.has('interest') ? interestCounts : []) {
    if (gateways > cpus().length)
      progress(`interest ×${gateways}: more gateway processes than this machine's ${cpus().length} cores`);
    const row = await runInterestPhase(rig, {
      gateways,
      subscribers,
      rate: interestRate,
      warmupMs,
      windowMs,
    });
    progress(
      `interest ×${gateways}: ${round(mean(row.logPerGatewayPerS), 0)} log messages/s per gateway, ` +
        `${round(row.wholeLogPerS, 0)} whole-log, of ${round(row.publishedPerS, 0)} published, ` +
        `${round(row.deliveriesPerS, 0)} deliveries/s, p99 ${round(row.p99Ms, 1)} ms`,
    );
    // A whole-log reader that saw less than was published read the wrong stream: say so.
    if (row.wholeLogPerS < 0.9 * row.publishedPerS) failures.push(`whole_log_k${gateways}`);
    interests.push(row);
  }
  for (const processes of phases.has('ccu') ? gameCounts : []) {
    const options = { cluster: rig.cluster, redisUrl: redis.url, authSecret: rig.authSecret };
    try {
      games.push(...(await runGamePhase({ ...options, processes, steps: ccuSteps, warmupMs, windowMs })));
    } catch (error) {
      // The delivery figures above still print; the RESULT says which part failed.
      progress(`game ×${processes} failed: ${error instanceof Error ? error.stack : String(error)}`);
      failures.push(`game_k${processes}`);
    }
  }
} catch (error) {
  if (!(error instanceof SkipProcesses)) throw error;
} finally {
  await rig?.close();
  await redis?.cleanup();
}
// Its own nats-server, after the others stopped: its CPU is the moves' only.
if (phases.has('partitions')) partitionRows.push(...(await runPartitionPhase(partitionCounts, moves)));

/** Deliveries per second in the window: CPU %/µs per delivery is deliveries per µs of wall time. */
function deliveriesPerSecond(r: PhaseResult): number {
  return (r.serverCpuPct / 100) * (1e6 / r.cpuUsPerMsg);
}
const rateOf = (r: PhaseResult) => Math.round(deliveriesPerSecond(r) / r.subscribers);

const kbCells = (prefix: string, split: MemorySplit) => ({
  [`${prefix}RSS`]: round(split.rssKb, 2),
  [`${prefix}old`]: round(split.oldKb, 2),
  [`${prefix}old used`]: round(split.oldUsedKb, 2),
  [`${prefix}young`]: round(split.youngKb, 2),
  [`${prefix}other V8`]: round(split.otherV8Kb, 2),
  [`${prefix}native`]: round(split.nativeKb, 2),
});
printTable(
  memories.map((r) => ({
    wire: r.wire,
    connections: r.connections,
    ...kbCells('KB/conn ', r.split),
    'RSS, no GC': round(r.unforced.rssKb, 2),
    'old used, no GC': round(r.unforced.oldUsedKb, 2),
  })),
);
for (const r of memories.filter((m) => m.heap)) {
  console.log(
    `\nHeap per ${r.wire} connection at ${r.connections} (shallow bytes, heap snapshots after GC):`,
  );
  printTable(
    r
      .heap!.slice(0, 25)
      .map((h) => ({ kind: h.kind, 'bytes/conn': round(h.bytes, 1), 'count/conn': round(h.count, 2) })),
  );
}
if (memories.length > 0) console.log('');
printTable(
  deliveries.map((r) => ({
    wire: r.impl === 'tickline-sse-multi' ? 'sse' : 'ws',
    gateways: r.gateways ?? 1,
    subscribers: r.subscribers,
    'events/s each': rateOf(r),
    'deliveries/s': round(deliveriesPerSecond(r), 0),
    delivered: round(r.deliveredRatio, 4),
    'gateway CPU %': round(r.serverCpuPct, 1),
    'nats CPU %': round(r.natsCpuPct ?? NaN, 1),
    'relay CPU %': round(r.relayCpuPct ?? NaN, 1),
    'µs/delivery': round(r.cpuUsPerMsg, 2),
    'deliveries/core-s': round(1e6 / r.cpuUsPerMsg, 0),
    'p50 ms': round(r.p50Ms, 1),
    'p99 ms': round(r.p99Ms, 1),
    'KB/conn (rss)': round(r.kbPerConn, 1),
  })),
);
console.log('');
printTable(
  interests.map((r) => ({
    gateways: r.gateways,
    subscribers: r.subscribers,
    'events/s (100 ch)': round(r.publishedPerS, 0),
    'log msgs/s, each gw': r.logPerGatewayPerS.map((n) => round(n, 0)).join(' / '),
    'whole-log msgs/s': round(r.wholeLogPerS, 0),
    saving: `${round(r.wholeLogPerS / mean(r.logPerGatewayPerS), 1)}×`,
    'deliveries/s': round(r.deliveriesPerS, 0),
    delivered: round(r.deliveredRatio, 4),
    'gateway CPU %': round(r.gatewayCpuPct, 1),
    'gateway RSS MB, each': r.gatewayRssMb.map((mb) => round(mb, 0)).join(' / '),
    'relay CPU %': round(r.relayCpuPct, 1),
    'nats CPU %': round(r.natsCpuPct, 1),
    'p50 ms': round(r.p50Ms, 1),
    'p99 ms': round(r.p99Ms, 1),
  })),
);
if (interests.length > 0) {
  console.log(
    'Interest rows: each gateway\'s subscribers want a disjoint tenth of 100 channels. "whole-log" is\n' +
      `what a reader of the whole delivery log (${interests[0]!.wholeLogStream}, ${interests[0]!.wholeLogSubjects}) received in\n` +
      'the same window with a durable of its own, as every gateway of the old design did; saving = whole-log / mean.\n' +
      `Its records by key family: ${interests.map((r) => `K=${r.gateways} ${JSON.stringify(r.wholeLogFamilies)}`).join('; ')}.\n` +
      (interests.some((r) => r.gateways > cpus().length)
        ? `Rows with more gateways than this machine's ${cpus().length} cores share them.`
        : ''),
  );
}
console.log('');
printTable(
  games.map((g) => ({
    'game processes': g.processes,
    CCU: g.ccu,
    'game cores': round(g.gameCores, 2),
    'nats cores': round(g.natsCores, 2),
    'CPU % / 1k players': round(g.cpuPer1kPct, 1),
    'tick p99 ≤ ms': g.tickP99Ms,
    'ack p50 ms': round(g.ackP50Ms, 1),
    'ack p99 ms': round(g.ackP99Ms, 1),
    'moves delivered': round(g.deliveredRatio, 3),
    healthy: g.healthy ? 'yes' : 'no',
  })),
);

console.log('');
printTable(
  partitionRows.map((r) => ({
    'game log partitions': r.partitions,
    moves: r.moves,
    'moves/s': round(r.movesPerS, 0),
    'nats µs/move': round(r.natsUsPerMove, 2),
    'nats cores': round(r.natsCores, 2),
    'client µs/move': round(r.clientUsPerMove, 2),
  })),
);

const summary: Record<string, unknown> = {
  date: new Date().toISOString().slice(0, 10),
  cores: cpus().length,
  load_average: round(loadavg()[0]!, 2),
  elapsed_s: round((performance.now() - started) / 1000, 1),
  subscribers,
  placement: 'load generator on core 0; tickline processes and nats-server on any core',
};
for (const r of memories) {
  summary[`${r.wire}_kb_per_conn_${r.connections}`] = round(r.split.rssKb, 2);
  summary[`${r.wire}_kb_per_conn_no_gc_${r.connections}`] = round(r.unforced.rssKb, 2);
  summary[`${r.wire}_old_kb_per_conn_${r.connections}`] = round(r.split.oldKb, 2);
  summary[`${r.wire}_young_kb_per_conn_${r.connections}`] = round(r.split.youngKb, 2);
  summary[`${r.wire}_native_kb_per_conn_${r.connections}`] = round(r.split.nativeKb, 2);
}
for (const gateways of gatewayCounts) {
  const rows = deliveries.filter((r) => (r.gateways ?? 1) === gateways);
  if (rows.length === 0) continue;
  const good = rows.filter((r) => r.p99Ms < P99_TARGET_MS && r.deliveredRatio >= 0.999);
  const best = good.sort((a, b) => deliveriesPerSecond(b) - deliveriesPerSecond(a))[0];
  // The highest measured rate whose p99 met the target; 0 when none did in this run.
  summary[`deliveries_per_s_k${gateways}`] = best ? round(deliveriesPerSecond(best), 0) : 0;
  summary[`deliveries_per_s_max_k${gateways}`] = round(Math.max(...rows.map(deliveriesPerSecond)), 0);
  const cpu = rows.map((r) => r.cpuUsPerMsg);
  summary[`cpu_us_per_delivery_k${gateways}`] = round(Math.min(...cpu), 2);
  summary[`deliveries_per_core_s_k${gateways}`] = round(1e6 / Math.min(...cpu), 0);
  for (const r of rows) summary[`p99_ms_k${gateways}_rate${rateOf(r)}`] = round(r.p99Ms, 1);
  for (const r of rows)
    summary[`${r.impl === 'tickline-sse-multi' ? 'sse' : 'ws'}_kb_per_conn_k${gateways}_${subscribers}`] =
      round(r.kbPerConn, 1);
}
for (const r of interests) {
  const k = r.gateways;
  summary[`interest_published_per_s_k${k}`] = round(r.publishedPerS, 0);
  summary[`interest_log_msgs_per_gateway_s_k${k}`] = round(mean(r.logPerGatewayPerS), 0);
  summary[`interest_log_msgs_per_s_each_k${k}`] = r.logPerGatewayPerS.map((n) => round(n, 0));
  summary[`whole_log_msgs_per_s_k${k}`] = round(r.wholeLogPerS, 0);
  summary[`interest_saving_k${k}`] = round(r.wholeLogPerS / mean(r.logPerGatewayPerS), 1);
  summary[`interest_deliveries_per_s_k${k}`] = round(r.deliveriesPerS, 0);
  summary[`interest_delivered_k${k}`] = round(r.deliveredRatio, 4);
  summary[`interest_p99_ms_k${k}`] = round(r.p99Ms, 1);
  summary[`interest_gateway_rss_mb_k${k}`] = r.gatewayRssMb.map((mb) => round(mb, 1));
}
if (interests.length > 0)
  summary.interest_whole_log = 'measured: a durable reading the whole delivery log, same window';
for (const processes of gameCounts) {
  const steps = games.filter((g) => g.processes === processes);
  if (steps.length === 0) continue;
  const healthy = steps.filter((g) => g.healthy);
  const largest = healthy.at(-1);
  summary[`ccu_healthy_k${processes}`] = largest?.ccu ?? 0;
  summary[`ccu_tested_max_k${processes}`] = steps.at(-1)?.ccu ?? 0;
  const measured = largest ?? steps.at(-1);
  if (measured) {
    summary[`game_cpu_pct_per_1k_k${processes}`] = round(measured.cpuPer1kPct, 1);
    summary[`nats_cores_k${processes}`] = round(measured.natsCores, 2);
    summary[`ccu_per_core_k${processes}`] = round(100_000 / measured.cpuPer1kPct, 0);
    summary[`tick_p99_ms_k${processes}`] = measured.tickP99Ms;
    summary[`ack_p99_ms_k${processes}`] = round(measured.ackP99Ms, 1);
  }
}
for (const r of partitionRows) {
  summary[`moves_per_s_p${r.partitions}`] = round(r.movesPerS, 0);
  summary[`nats_us_per_move_p${r.partitions}`] = round(r.natsUsPerMove, 2);
  summary[`nats_cores_p${r.partitions}`] = round(r.natsCores, 2);
}
if (failures.length > 0) summary.failed = failures;
printResult(summary);
