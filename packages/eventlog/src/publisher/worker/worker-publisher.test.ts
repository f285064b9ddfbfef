import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetricsRegistry, decodeEvent } from '@tickline/kernel';
import { tempDir, type TempDir } from '@tickline/testing';
import { createEmbeddedEventLog } from '../../embedded/embedded-event-log.ts';
import { until } from '@tickline/testing';
import { makeEvents, numbers, readAll, testContext } from '../test-events.ts';
import { publishPacked } from './packed-test-codec.test-support.ts';
import { outageChannel } from './switchable-log.test-support.ts';
import {
  createWorkerPublisher,
  type WorkerPublisher,
  type WorkerPublisherOptions,
} from './worker-publisher.ts';

const FAST_RETRY = { initialDelayMs: 5, maxDelayMs: 20 };
const CODEC = new URL('./packed-test-codec.test-support.ts', import.meta.url);
const SWITCHABLE = new URL('./switchable-log.test-support.ts', import.meta.url).href;

describe('worker publisher', () => {
  let dir: TempDir;
  let logDir: string;
  const started: WorkerPublisher[] = [];

  beforeEach(async () => {
    dir = await tempDir('worker-publisher');
    logDir = join(dir.path, 'log');
  });
  afterEach(async () => {
    for (const p of started.splice(0)) await p.stop();
    await dir.remove();
  });

  async function startPublisher(options: Partial<WorkerPublisherOptions> = {}): Promise<WorkerPublisher> {
    const publisher = createWorkerPublisher({
      log: { engine: 'module', url: SWITCHABLE, options: { dir: logDir } },
      spillDir: join(dir.path, 'spill'),
      retry: FAST_RETRY,
      codecs: [CODEC],
      ...options,
    });
    await publisher.start(testContext());
    started.push(publisher);
    return publisher;
  }

  /** Every record, read after the publisher (and with it the worker's log) stopped. */
  async function stored() {
    const log = await createEmbeddedEventLog({ dir: logDir, readOnly: true });
    try {
      return await readAll(log);
    } finally {
      await log.close();
    }
  }

  async function setConnected(connected: boolean): Promise<void> {
    const channel = outageChannel(logDir);
    channel.postMessage({ connected });
    channel.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  it('order - events, records and packed entries are appended in publish order', async () => {
    const publisher = await startPublisher();
    const events = makeEvents(3_000, { keys: ['a', 'b', 'c'] });
    const expected: number[] = [];
    for (const [i, e] of events.entries()) {
      if (i % 3 === 0) publishPacked(publisher, 100_000 + i, 'a');
      else publisher.publish(e);
      expected.push(i % 3 === 0 ? 100_000 + i : e.data.n);
      // Several event-loop turns, so several batches cross the thread.
      if (i % 700 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await publisher.flush(10_000)).toBe(true);
    expect(publisher.stats()).toMatchObject({ queued: 0, published: 3_000, rejected: 0 });
    await publisher.stop();
    const records = await stored();
    expect(numbers(records)).toEqual(expected);
    expect(decodeEvent(records[1]!.payload)).toEqual(events[1]);
    expect(records[0]).toMatchObject({ key: 'a', type: 'test.player.moved' });
  });

  it('back-pressure - a full memory queue spills to the journal while the log is down; order holds after', async () => {
    await setConnected(true);
    const publisher = await startPublisher({ maxQueuedEvents: 300, stopDrainTimeoutMs: 50 });
    await setConnected(false);
    const events = makeEvents(2_000, { keys: ['a', 'b'], padChars: 100 });
    for (const e of events) publisher.publish(e);
    await until(() => publisher.stats().spilled > 0 && publisher.stats().queued <= 300, {
      timeoutMs: 10_000,
    });
    expect(publisher.health().status).toBe('degraded');
    await setConnected(true);
    expect(await publisher.flush(15_000)).toBe(true);
    expect(publisher.stats()).toMatchObject({ queued: 0, spilled: 0, published: 2_000 });
    expect(publisher.stats().spilledTotal).toBeGreaterThan(0);
    await publisher.stop();
    expect(numbers(await stored())).toEqual(events.map((e) => e.data.n));
  });

  it('outage - stop journals what the log did not take; the next start re-sends it first, in order', async () => {
    const metrics = createMetricsRegistry();
    const first = await startPublisher({ stopDrainTimeoutMs: 50, metrics });
    await setConnected(false);
    const events = makeEvents(1_500, { keys: ['a', 'b'] });
    for (const e of events.slice(0, 1_000)) first.publish(e);
    for (let n = 0; n < 200; n++) publishPacked(first, 50_000 + n, 'a');
    await first.stop();
    expect(first.stats().rejected).toBe(0);
    expect((await stat(join(dir.path, 'spill', 'publisher.journal'))).size).toBeGreaterThan(0);
    first.publish(events[0]!);
    expect(first.stats().rejected).toBe(1);
    expect(await metrics.getSingleMetricAsString('tickline_publisher_rejected_total')).toContain(' 1');

    await setConnected(true);
    const second = await startPublisher();
    expect(second.recovery()?.records).toBe(1_200);
    for (const e of events.slice(1_000)) second.publish(e);
    expect(await second.flush(10_000)).toBe(true);
    await second.stop();
    expect(numbers(await stored())).toEqual([
      ...events.slice(0, 1_000).map((e) => e.data.n),
      ...Array.from({ length: 200 }, (_, n) => 50_000 + n),
      ...events.slice(1_000).map((e) => e.data.n),
    ]);
  });

  it('stop - drains what was published without a flush', async () => {
    const publisher = await startPublisher();
    const events = makeEvents(5_000, { keys: ['k'] });
    for (const e of events) publisher.publish(e);
    await publisher.stop();
    expect(publisher.health().status).toBe('stopped');
    expect(numbers(await stored())).toEqual(events.map((e) => e.data.n));
  });

  it('publish - never throws: bad events and records are counted as rejected', async () => {
    const publisher = await startPublisher();
    expect(() => publisher.publish(undefined as never)).not.toThrow();
    expect(() => publisher.publishRecord({ id: 7 } as never)).not.toThrow();
    expect(publisher.stats().rejected).toBe(2);
  });

  it('crash - a worker that dies is reported failed; stop still returns', async () => {
    const context = testContext();
    const publisher = createWorkerPublisher({
      log: { engine: 'module', url: SWITCHABLE, options: { dir: logDir } },
      spillDir: join(dir.path, 'spill'),
    });
    await publisher.start(context);
    const channel = outageChannel(logDir);
    channel.postMessage({ crash: true });
    channel.close();
    await until(() => context.failures.length > 0, { timeoutMs: 10_000 });
    expect(publisher.health().status).toBe('failed');
    expect(() => publisher.publish(makeEvents(1)[0]!)).not.toThrow();
    await publisher.stop();
    expect(publisher.health().status).toBe('stopped');
  });

  it('start - a log that cannot open fails start with the reason', async () => {
    const publisher = createWorkerPublisher({
      log: { engine: 'module', url: new URL('./no-such-module.ts', import.meta.url).href },
      spillDir: join(dir.path, 'spill'),
    });
    await expect(publisher.start(testContext())).rejects.toThrow(/could not start/);
  });
});
