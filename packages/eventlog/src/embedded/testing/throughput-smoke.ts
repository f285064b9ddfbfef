/**
 * @module A short throughput and latency check of the embedded log, run by hand (not a test):
 * `node packages/eventlog/src/embedded/testing/throughput-smoke.ts [seconds]`.
 * Phase 1: 3 appenders push batches of 1,000 records of 300 bytes while one consumer fetches and
 * acks. Phase 2: a steady 50k records/s, measuring append call → consumer receipt.
 * The official benchmark is bench/eventlog; this is the adapter author's quick look.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMetricsRegistry } from '@tickline/kernel';
import type { AppendRecord } from '../../port/event-log.ts';
import { createEmbeddedEventLog, type EmbeddedEventLog } from '../embedded-event-log.ts';

const SECONDS = Number(process.argv[2] ?? 3);
const PAYLOAD_BYTES = 300;
const BATCH = 1_000;
const APPENDERS = 3;
const STEADY_RATE_PER_S = 50_000;

function batch(prefix: string, start: number, size: number, payload: Uint8Array): AppendRecord[] {
  const records = new Array<AppendRecord>(size);
  for (let i = 0; i < size; i++)
    records[i] = { id: `${prefix}-${start + i}`, key: `k${(start + i) % 64}`, type: 'bench.sample', payload };
  return records;
}

// GC pauses block the one thread that appends and consumes, so they are reported beside latency.
const gcPausesMs: number[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPausesMs.push(entry.duration);
}).observe({ entryTypes: ['gc'] });

function gcSummary(): string {
  const pauses = gcPausesMs.splice(0).sort((a, b) => a - b);
  const total = pauses.reduce((sum, p) => sum + p, 0);
  return `GC ${pauses.length} pauses, ${total.toFixed(0)} ms in all, longest ${(pauses.at(-1) ?? 0).toFixed(1)} ms`;
}

async function throughput(log: EmbeddedEventLog): Promise<void> {
  const consumer = await log.consumer('throughput');
  const cpuBefore = process.cpuUsage();
  const payload = new Uint8Array(PAYLOAD_BYTES).fill(7);
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  let appended = 0;
  const appender = async (n: number): Promise<void> => {
    for (let seq = 0; performance.now() < deadline; seq += BATCH) {
      await log.append(batch(`a${n}`, seq, BATCH, payload));
      appended += BATCH;
    }
  };
  const appending = Promise.all(Array.from({ length: APPENDERS }, (_, n) => appender(n)));
  let consumed = 0;
  let done = false;
  void appending.then(() => (done = true));
  while (!done || consumed < appended) {
    const records = await consumer.fetch({ max: 8192, waitMs: 100 });
    if (records.length === 0) continue;
    consumed += records.length;
    await consumer.ack(records.at(-1)!.offset);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await consumer.close();
  console.log(
    `throughput: ${consumed} records in ${seconds.toFixed(2)} s = ${Math.round(consumed / seconds).toLocaleString('en')} records/s end to end; ` +
      `CPU ${((cpu.user + cpu.system) / consumed).toFixed(2)} µs/record (${((cpu.user + cpu.system) / 1e4 / seconds).toFixed(0)}% of a core); ${gcSummary()}`,
  );
}

function percentiles(values: number[]): string {
  values.sort((a, b) => a - b);
  const p = (q: number): string =>
    (values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? NaN).toFixed(2);
  return `p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${p(1)} ms`;
}

async function latency(log: EmbeddedEventLog): Promise<void> {
  const consumer = await log.consumer('latency', { start: { from: 'latest' } });
  const latencies: number[] = [];
  const appendLatencies: number[] = [];
  let stop = false;
  const consuming = (async () => {
    while (!stop) {
      const records = await consumer.fetch({ max: 8192, waitMs: 50 });
      const at = performance.now();
      for (const r of records)
        latencies.push(at - Buffer.from(r.payload.buffer, r.payload.byteOffset, 8).readDoubleLE(0));
      if (records.length > 0) await consumer.ack(records.at(-1)!.offset);
    }
  })();
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < SECONDS * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * STEADY_RATE_PER_S) - sent;
    if (due > 0) {
      const payload = Buffer.alloc(PAYLOAD_BYTES);
      const at = performance.now();
      payload.writeDoubleLE(at, 0);
      void log
        .append(batch('steady', sent, due, payload))
        .then(() => appendLatencies.push(performance.now() - at));
      sent += due;
    }
    await sleep(1);
  }
  while (latencies.length < sent && performance.now() - started < SECONDS * 1000 + 5000) await sleep(10);
  stop = true;
  await consuming;
  await consumer.close();
  console.log(
    `latency at ${STEADY_RATE_PER_S.toLocaleString('en')}/s: ${latencies.length} records, append → consumer ${percentiles(latencies)}; ` +
      `append → resolved (durable) ${percentiles(appendLatencies)}; ${gcSummary()}`,
  );
}

const registry = createMetricsRegistry({ processMetrics: false });

/** fsync count and the histogram bucket holding the 99th percentile. */
async function fsyncSummary(): Promise<string> {
  const { values } = (await registry.getSingleMetric('tickline_eventlog_fsync_duration_seconds')!.get()) as {
    values: Array<{ value: number; labels: Record<string, string | number>; metricName?: string }>;
  };
  const buckets = values.filter((v) => v.metricName?.endsWith('_bucket'));
  const count = values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  const sum = values.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
  const p99 = buckets.find((b) => b.value >= count * 0.99)?.labels.le;
  const under100Ms = buckets.find((b) => Number(b.labels.le) === 0.1)?.value ?? count;
  return (
    `fsync: ${count} calls, mean ${((sum / Math.max(1, count)) * 1000).toFixed(2)} ms, ` +
    `p99 ≤ ${Number(p99) * 1000} ms, ${count - under100Ms} over 100 ms`
  );
}

const dir = await mkdtemp(join(tmpdir(), 'tickline-evlog-smoke-'));
const log = await createEmbeddedEventLog({
  dir,
  fsync: 'always',
  metrics: registry,
  ...(process.env.CACHE_RECORDS ? { cache: { maxRecords: Number(process.env.CACHE_RECORDS) } } : {}),
});
try {
  await throughput(log);
  await latency(log);
  console.log(await fsyncSummary());
  const stats = log.stats();
  console.log(
    `log: ${stats.segments} segments, ${(stats.bytes / 2 ** 20).toFixed(0)} MiB, offsets ${stats.first}..${stats.last}`,
  );
} finally {
  await log.close();
  await rm(dir, { recursive: true, force: true });
}
