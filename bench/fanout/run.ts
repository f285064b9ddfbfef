/**
 * @module `npm run bench:fanout` — fan-out cost of Tickline's real-time gateway against bare
 * servers and Socket.IO, in one run, on loopback.
 *
 * Peers: Tickline WebSocket, Tickline SSE (same server: Fastify + gateway, ticket auth, channel
 * rules, history), Tickline GraphQL subscriptions over graphql-ws (same hub and gateway, Mercurius
 * speaking the protocol, the subscription's selection executed once per event and shared by its
 * subscribers; `tickline-graphql` clients all use the id "1", `tickline-graphql-ids` ones a random
 * id each, as graphql-ws's own client does), a bare `ws` broadcast server, a bare `node:http` SSE broadcaster, Socket.IO 4.
 * Each phase starts one peer in a child process pinned to core 1 (`taskset -c 1`); this process,
 * the load generator, pins itself to core 0. Per phase: memory after GC before and after N idle
 * subscribers connect; then events of ~200 bytes at a fixed rate (default 10/s to every
 * subscriber): server CPU per delivered event from the child's `process.cpuUsage()` over the
 * window, and publish→receive latency p50/p99 on every delivery to every BENCH_MEASURE_EVERY-th
 * subscriber (default 10; the others are read a few times a second and only counted, so the load
 * generator's own reads do not compete with the servers: see load/raw-client.ts). Delivery counts
 * and CPU per delivery cover every subscriber.
 *
 * Multi-process rows (`tickline-ws-multi`, `tickline-sse-multi`): the real binary as K gateway
 * processes on one port (SO_REUSEPORT), fed through a real nats-server log, for each K in
 * BENCH_GATEWAYS (default "1,2"); see multi/multi-phase.ts for the path, the measurements and
 * why those processes are not pinned.
 *
 * Sizes: BENCH_SUBSCRIBERS (default "5000,1000"), BENCH_RATE (10 events/s), BENCH_WARMUP_SECONDS
 * (3), BENCH_WINDOW_SECONDS (10), BENCH_IMPLS (all). Needs `ulimit -n` above the subscriber count
 * plus ~100 (each side holds one descriptor per connection). BENCH_MEMORY_ONLY=1 reads memory
 * per connection only (no events: seconds a row, CPU and latency NaN); BENCH_HEAP_SNAPSHOTS=<dir>
 * prints, for the in-process rows, the heap each connection adds by kind of object (two snapshots
 * after GC, bench/lib/heap-census.ts). The last line is `RESULT {json}`.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { envInt, printResult, printTable, progress, round } from '../lib/report.ts';
import { IMPLS, isMulti, type Impl } from './ipc.ts';
import { openMultiRig, runMultiPhase, type MultiRig } from './multi/multi-phase.ts';
import { MEASURE_EVERY, MEMORY_ONLY, runPhase, type PhaseResult } from './phase.ts';
import { makeEvent } from './payload.ts';

const rows = (process.env.BENCH_SUBSCRIBERS ?? '5000,1000').split(',').map((s) => Number(s.trim()));
const impls = (process.env.BENCH_IMPLS ?? IMPLS.join(',')).split(',').map((s) => s.trim()) as Impl[];
const rate = envInt('BENCH_RATE', 10);
const warmupMs = envInt('BENCH_WARMUP_SECONDS', 3) * 1000;
const windowMs = envInt('BENCH_WINDOW_SECONDS', 10) * 1000;
const gatewayCounts = (process.env.BENCH_GATEWAYS ?? '1,2').split(',').map((s) => Number(s.trim()));
const cores = cpus().length;

const openFiles = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());
const needed = Math.max(...rows) + 100;
if (Number.isFinite(openFiles) && openFiles < needed) {
  throw new Error(`ulimit -n is ${openFiles}; ${needed} needed. Run \`ulimit -n ${needed * 2}\` first.`);
}

// nats-server and PostgreSQL start before the pinning below, so they are not confined to core 0.
let rig: MultiRig | undefined;
if (impls.some(isMulti)) {
  progress('multi-process rows: starting nats-server and PostgreSQL');
  rig = await openMultiRig();
}

// Load generator on core 0 (every thread: -a), single-process servers on core 1.
let serverCore: number | undefined = 1;
try {
  execFileSync('taskset', ['-a', '-cp', '0', String(process.pid)], { stdio: 'ignore' });
} catch {
  serverCore = undefined;
  progress('taskset unavailable: running unpinned');
}

const eventBytes = Buffer.byteLength(JSON.stringify(makeEvent(1).data));
progress(
  `events of ${eventBytes} bytes of data, ${rate}/s to each subscriber; rows ${rows.join(', ')}; ulimit -n ${openFiles}`,
);
progress(
  MEASURE_EVERY === 1
    ? 'latency measured on every subscriber'
    : `latency measured on every ${MEASURE_EVERY}th subscriber; the others are counted (BENCH_MEASURE_EVERY=1 measures all)`,
);
if (rig)
  progress(
    `multi-process rows: ${cores} cores here; the load generator keeps core 0, the gateways and ` +
      `nats-server run on any core — with K=2 on ${cores} cores they share them with the load generator`,
  );
const results: PhaseResult[] = [];
const report = (name: string, result: PhaseResult) => {
  progress(
    `${name} × ${result.subscribers}: ${round(result.cpuUsPerMsg, 2)} µs/msg, p50 ${round(result.p50Ms, 1)} ms, ` +
      `p99 ${round(result.p99Ms, 1)} ms, ${round(result.kbPerConn, 1)} KB/conn, delivered ${round(result.deliveredRatio, 4)}`,
  );
  results.push(result);
};
try {
  for (const subscribers of rows) {
    for (const impl of impls) {
      if (!isMulti(impl)) {
        report(impl, await runPhase({ impl, subscribers, rate, warmupMs, windowMs, serverCore }));
        continue;
      }
      for (const gateways of gatewayCounts) {
        const options = { impl, gateways, subscribers, rate, warmupMs, windowMs };
        report(`${impl} ×${gateways}`, await runMultiPhase(rig!, options));
      }
    }
  }
} finally {
  await rig?.close();
}

/** Figures only the in-process peers report (the multi-process rows cannot ask the gateways). */
const orBlank = (value: number, digits: number) => (Number.isNaN(value) ? '' : round(value, digits));
printTable(
  results.map((r) => ({
    subscribers: r.subscribers,
    impl: r.impl,
    gateways: r.gateways ?? '',
    'server µs/msg': round(r.cpuUsPerMsg, 2),
    'server CPU %': round(r.serverCpuPct, 1),
    'nats CPU %': r.natsCpuPct === undefined ? '' : round(r.natsCpuPct, 1),
    'p50 ms': round(r.p50Ms, 1),
    'p99 ms': round(r.p99Ms, 1),
    'max ms': round(r.maxMs, 1),
    samples: r.measured,
    delivered: round(r.deliveredRatio, 4),
    'KB/conn (rss)': round(r.kbPerConn, 1),
    'KB/conn (heap)': orBlank(r.heapKbPerConn, 1),
    'fan-out p50 ms': orBlank(r.fanoutP50Ms, 2),
    'fan-out p99 ms': orBlank(r.fanoutP99Ms, 2),
    'loop stall max ms': orBlank(r.loopDelayMaxMs, 1),
    'loadgen µs/msg': round(r.loadgenCpuUsPerMsg, 2),
    witness: r.witnessOk ? 'ok' : 'MISSED',
  })),
);

for (const r of results.filter((row) => row.heap)) {
  console.log(
    `\nHeap per ${r.impl} connection at ${r.subscribers} (shallow bytes, heap snapshots after GC):`,
  );
  printTable(
    r
      .heap!.slice(0, 25)
      .map((h) => ({ kind: h.kind, 'bytes/conn': round(h.bytes, 1), 'count/conn': round(h.count, 2) })),
  );
}

const KEYS: Record<Impl, string> = {
  'tickline-ws': 'ws',
  'tickline-sse': 'sse',
  'raw-ws': 'raw_ws',
  'raw-sse': 'raw_sse',
  socketio: 'socketio',
  'tickline-graphql': 'graphql',
  'tickline-graphql-ids': 'graphql_ids',
  'tickline-ws-multi': 'ws_multi',
  'tickline-sse-multi': 'sse_multi',
};
const summary: Record<string, unknown> = {
  subscribers: rows[0],
  rate_per_subscriber: rate,
  event_data_bytes: eventBytes,
  measure_every: MEASURE_EVERY,
  memory_only: MEMORY_ONLY,
};
for (const r of results) {
  const suffix = r.subscribers === rows[0] ? '' : `_${r.subscribers}`;
  const key = r.gateways === undefined ? KEYS[r.impl] : `${KEYS[r.impl]}_k${r.gateways}`;
  summary[`${key}_cpu_us_per_msg${suffix}`] = round(r.cpuUsPerMsg, 3);
  summary[`${key}_p50_ms${suffix}`] = round(r.p50Ms, 2);
  summary[`${key}_p99_ms${suffix}`] = round(r.p99Ms, 2);
  summary[`${key}_kb_per_conn${suffix}`] = round(r.kbPerConn, 2);
  summary[`${key}_delivered${suffix}`] = round(r.deliveredRatio, 4);
  if (r.gateways !== undefined) summary[`${key}_server_cpu_pct${suffix}`] = round(r.serverCpuPct, 1);
  if (r.memory) {
    if (r.kbPerConnNoGc !== undefined)
      summary[`${key}_kb_per_conn_no_gc${suffix}`] = round(r.kbPerConnNoGc, 2);
    summary[`${key}_old_kb_per_conn${suffix}`] = round(r.memory.oldKb, 2);
    summary[`${key}_young_kb_per_conn${suffix}`] = round(r.memory.youngKb, 2);
    summary[`${key}_native_kb_per_conn${suffix}`] = round(r.memory.nativeKb, 2);
  }
}
const ratio = (a: string, b: string) =>
  typeof summary[a] === 'number' && typeof summary[b] === 'number' ? round(summary[a] / summary[b], 3) : null;
summary.ws_vs_raw_cpu = ratio('ws_cpu_us_per_msg', 'raw_ws_cpu_us_per_msg');
summary.sse_vs_raw_cpu = ratio('sse_cpu_us_per_msg', 'raw_sse_cpu_us_per_msg');
summary.ws_vs_socketio_cpu = ratio('ws_cpu_us_per_msg', 'socketio_cpu_us_per_msg');
summary.ws_vs_socketio_kb = ratio('ws_kb_per_conn', 'socketio_kb_per_conn');
// GraphQL subscriptions against the WebSocket API they share the hub and gateway with (target ≤ 1.3).
summary.graphql_vs_ws_cpu = ratio('graphql_cpu_us_per_msg', 'ws_cpu_us_per_msg');
summary.graphql_ids_vs_ws_cpu = ratio('graphql_ids_cpu_us_per_msg', 'ws_cpu_us_per_msg');
summary.loadgen_max_us_per_msg = round(Math.max(...results.map((r) => r.loadgenCpuUsPerMsg)), 2);
summary.witness_ok = results.every((r) => r.witnessOk);
summary.pinned = serverCore !== undefined;
summary.cores = cores;
if (rig) {
  summary.multi_event_data_bytes = rig.feed.dataBytes;
  // The multi-process rows' placement, stated with their figures (multi/multi-phase.ts says why).
  summary.multi_placement = 'load generator on core 0; gateways and nats-server on any core';
  const met = results.filter((r) => r.gateways !== undefined && r.subscribers === 5000);
  if (met.length > 0) summary.multi_p99_under_50ms_at_5000 = met.every((r) => r.p99Ms < 50);
}
printResult(summary);
