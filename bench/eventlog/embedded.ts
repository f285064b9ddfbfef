/** @module Embedded log: end-to-end throughput and publish→consume latency at a fixed rate. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedEventLog, type EventLog, type FsyncPolicy } from '@tickline/eventlog';
import { percentile, progress } from '../lib/report.ts';
import type { RecordSource } from './records.ts';

const APPEND_BATCH = 1_000;
const APPENDERS = 4;
const FETCH_MAX = 8_192;

async function withLog<T>(run: (log: EventLog) => Promise<T>, fsync: FsyncPolicy = 'always'): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tickline-bench-'));
  const log = await createEmbeddedEventLog({ dir, fsync });
  try {
    return await run(log);
  } finally {
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Appends every record with concurrent appenders while one consumer fetches and acks. */
export async function embeddedThroughput(
  records: RecordSource,
  total: number,
): Promise<{ eps: number; appendEps: number }> {
  return withLog(async (log) => {
    const consumer = await log.consumer('bench');
    const started = performance.now();
    let appendedAt = 0;
    let next = 0;
    const appender = async (): Promise<void> => {
      while (next < total) {
        next += APPEND_BATCH;
        await log.append(records.batch(APPEND_BATCH));
      }
    };
    const appending = Promise.all(Array.from({ length: APPENDERS }, appender)).then(() => {
      appendedAt = performance.now();
    });
    let consumed = 0;
    while (consumed < total) {
      const batch = await consumer.fetch({ max: FETCH_MAX, waitMs: 1000 });
      if (batch.length === 0) continue;
      consumed += batch.length;
      await consumer.ack(batch.at(-1)!.offset);
    }
    const elapsed = (performance.now() - started) / 1000;
    await appending;
    await consumer.close();
    return { eps: total / elapsed, appendEps: total / ((appendedAt - started) / 1000) };
  });
}

/**
 * Offers `rate` events/s for `seconds` in 1 ms slices; latency is append call → consumer receipt.
 * Consumers only see records once their group commit is on disk, so with `fsync: 'always'` every
 * sample includes an fdatasync, and one slow fdatasync delays everything behind it.
 */
export async function embeddedLatency(
  records: RecordSource,
  rate: number,
  seconds: number,
  fsync: FsyncPolicy = 'always',
): Promise<{ p50: number; p99: number; max: number; samples: number }> {
  return withLog(async (log) => {
    const total = rate * seconds;
    const sentAt = new Float64Array(total + 1);
    const latencies = new Float64Array(total);
    const consumer = await log.consumer('bench-latency');
    let received = 0;
    const consuming = (async () => {
      while (received < total) {
        const batch = await consumer.fetch({ max: FETCH_MAX, waitMs: 1000 });
        const now = performance.now();
        for (const r of batch) latencies[received++] = now - sentAt[r.offset]!;
        if (batch.length) await consumer.ack(batch.at(-1)!.offset);
      }
    })();
    const start = performance.now();
    let sent = 0;
    let lastReport = start;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      if (due > sent) {
        const batch = records.batch(due - sent);
        const t = performance.now();
        for (let o = sent + 1; o <= due; o++) sentAt[o] = t;
        sent = due;
        void log.append(batch);
      }
      if (performance.now() - lastReport > 1000) {
        lastReport = performance.now();
        progress(`latency run: ${sent}/${total} sent, ${received} received`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await consuming;
    await consumer.close();
    return {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
      samples: total,
    };
  }, fsync);
}
