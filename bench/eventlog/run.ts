/**
 * @module `npm run bench:eventlog` — the event log's hot paths against the raw NATS client.
 *
 * 1. Embedded log, fsync on every group commit: append + consume end to end.
 * 2. Embedded log: publish→consume latency at a fixed offered rate (default 50k events/s).
 * 3. NATS JetStream on a local nats-server: the Tickline adapter's append rate against the raw
 *    `@nats-io/jetstream` client's pipelined `js.publish()` in the same run, then consume.
 * Sizes: BENCH_EVENTS (default 1,000,000), BENCH_NATS_EVENTS (200,000), BENCH_RATE (50,000),
 * BENCH_LATENCY_SECONDS (5). BENCH_BUSY_CORE=1 runs the embedded rows beside another process that
 * keeps one core busy (a spinning child), the machine issue 50's target is set on. The last line
 * is `RESULT {json}`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { startNatsServer } from '@tickline/testing';
import { envInt, printResult, printTable, progress, round } from '../lib/report.ts';
import { embeddedLatency, embeddedThroughput } from './embedded.ts';
import { adapterThroughput, RAW_WINDOW, rawJetStreamPublish } from './nats.ts';
import { createRecordSource, TARGET_EVENT_BYTES } from './records.ts';

const events = envInt('BENCH_EVENTS', 1_000_000);
const natsEvents = envInt('BENCH_NATS_EVENTS', 200_000);
const rate = envInt('BENCH_RATE', 50_000);
const latencySeconds = envInt('BENCH_LATENCY_SECONDS', 5);

const busyCore = process.env.BENCH_BUSY_CORE === '1';
// Another process on one core, as on a shared machine: killed once the embedded rows are done.
const spinner = busyCore ? spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' }) : undefined;
if (spinner) {
  process.once('exit', () => spinner.kill()); // also when a row throws
  progress(`embedded rows beside a process spinning on one core (pid ${spinner.pid})`);
}

progress(`encoding a pool of events of ~${TARGET_EVENT_BYTES} bytes`);
const records = createRecordSource();
const eventBytes = Math.round(records.eventBytes);

progress('embedded: append + consume, fsync always');
const embedded = await embeddedThroughput(records, events);
progress(`embedded: ${Math.round(embedded.eps).toLocaleString()} events/s end to end`);

// Start the latency run from a clean heap and clean page cache: garbage and the ~300 MB of dirty
// pages left by the throughput run would otherwise be collected and written back during it, and
// a 100 ms fdatasync behind that writeback would be measured as the log's latency.
(globalThis as { gc?: () => void }).gc?.();
spawnSync('sync');
progress(`embedded: latency at ${rate.toLocaleString()} events/s for ${latencySeconds} s`);
const latency = await embeddedLatency(records, rate, latencySeconds);
progress(`embedded: latency at ${rate.toLocaleString()} events/s with fsync every 100 ms`);
spawnSync('sync');
const latencyInterval = await embeddedLatency(records, rate, latencySeconds, 'interval');
spinner?.kill();

progress('nats: starting nats-server (JetStream, file store)');
const nats = await startNatsServer();
let raw: number;
let adapter: { appendEps: number; consumeEps: number };
try {
  progress(`nats: raw js.publish pipelined (window ${RAW_WINDOW}), ${natsEvents.toLocaleString()} events`);
  raw = await rawJetStreamPublish(nats.url, records, natsEvents);
  progress('nats: Tickline adapter append + consume');
  adapter = await adapterThroughput(nats.url, records, natsEvents);
} finally {
  await nats.cleanup();
}

printTable([
  {
    path: 'embedded append+consume (fsync always)',
    'events/s': Math.round(embedded.eps),
    note: `append alone ${Math.round(embedded.appendEps)}/s`,
  },
  {
    path: `embedded latency @${rate}/s`,
    'events/s': rate,
    note: `p50 ${round(latency.p50, 3)} ms, p99 ${round(latency.p99, 3)} ms, max ${round(latency.max, 1)} ms`,
  },
  {
    path: 'nats adapter append',
    'events/s': Math.round(adapter.appendEps),
    note: `${round(adapter.appendEps / raw, 2)}x raw`,
  },
  {
    path: 'raw @nats-io/jetstream pipelined publish',
    'events/s': Math.round(raw),
    note: `window ${RAW_WINDOW}`,
  },
  {
    path: 'nats adapter consume',
    'events/s': Math.round(adapter.consumeEps),
    note: 'durable pull, ack per batch',
  },
]);
printResult({
  event_bytes: eventBytes,
  embedded_eps: Math.round(embedded.eps),
  embedded_append_eps: Math.round(embedded.appendEps),
  embedded_p50_ms: round(latency.p50, 3),
  embedded_p99_ms: round(latency.p99, 3),
  embedded_latency_rate: rate,
  embedded_interval_p50_ms: round(latencyInterval.p50, 3),
  embedded_interval_p99_ms: round(latencyInterval.p99, 3),
  nats_eps: Math.round(adapter.appendEps),
  nats_consume_eps: Math.round(adapter.consumeEps),
  raw_nats_eps: Math.round(raw),
  nats_vs_raw: round(adapter.appendEps / raw, 3),
  busy_core: busyCore,
});
