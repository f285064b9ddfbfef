/** @module NATS JetStream: the Tickline adapter against the raw client, same server, same run. */
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createNatsEventLog } from '@tickline/eventlog';
import { progress } from '../lib/report.ts';
import type { RecordSource } from './records.ts';

/** In-flight publishes for the raw client's pipeline (the reference measured 82k–131k/s windows). */
export const RAW_WINDOW = 1_024;
const APPEND_BATCH = 1_000;
const APPENDERS = 4;

/** Raw `@nats-io/jetstream`: `js.publish()` pipelined with a sliding window of RAW_WINDOW. */
export async function rawJetStreamPublish(url: string, source: RecordSource, total: number): Promise<number> {
  const records = source.batch(total);
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const stream = `RAW_${Date.now()}`;
    await jsm.streams.add({ name: stream, subjects: [`${stream.toLowerCase()}.>`] });
    const js = jetstream(nc);
    const subjectPrefix = `${stream.toLowerCase()}.`;
    let inFlight = 0;
    let wake: (() => void) | undefined;
    let failures = 0;
    const started = performance.now();
    for (const record of records) {
      if (inFlight >= RAW_WINDOW) await new Promise<void>((resolve) => (wake = resolve));
      inFlight++;
      js.publish(subjectPrefix + record.key, record.payload, { msgID: record.id }).then(
        () => {
          inFlight--;
          wake?.();
          wake = undefined;
        },
        () => {
          failures++;
          inFlight--;
          wake?.();
          wake = undefined;
        },
      );
    }
    while (inFlight > 0) await new Promise<void>((resolve) => (wake = resolve));
    const eps = records.length / ((performance.now() - started) / 1000);
    if (failures) progress(`raw publish: ${failures} failures`);
    await jsm.streams.delete(stream);
    return eps;
  } finally {
    await nc.close();
  }
}

/** The Tickline adapter: batches of APPEND_BATCH from APPENDERS concurrent callers, then a consumer drains. */
export async function adapterThroughput(
  url: string,
  source: RecordSource,
  total: number,
): Promise<{ appendEps: number; consumeEps: number }> {
  const records = source.batch(total);
  const stream = `TICKLINE_BENCH_${Date.now()}`;
  const log = await createNatsEventLog({ servers: url, stream, subjectPrefix: stream.toLowerCase() });
  try {
    let next = 0;
    const started = performance.now();
    const appender = async (): Promise<void> => {
      while (next < records.length) {
        const from = next;
        next += APPEND_BATCH;
        const results = await log.append(records.slice(from, from + APPEND_BATCH));
        if (results.some((r) => !r.ok)) throw new Error('append failed during benchmark');
      }
    };
    await Promise.all(Array.from({ length: APPENDERS }, appender));
    const appendEps = records.length / ((performance.now() - started) / 1000);

    const consumer = await log.consumer('bench');
    const consumeStarted = performance.now();
    let consumed = 0;
    while (consumed < records.length) {
      const batch = await consumer.fetch({ max: 4_096, waitMs: 1000 });
      if (!batch.length) continue;
      consumed += batch.length;
      await consumer.ack(batch.at(-1)!.offset);
    }
    const consumeEps = records.length / ((performance.now() - consumeStarted) / 1000);
    await consumer.close();
    return { appendEps, consumeEps };
  } finally {
    await log.close();
  }
}
