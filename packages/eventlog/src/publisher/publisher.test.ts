import { copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetricsRegistry, decodeEvent } from '@tickline/kernel';
import { tempDir, type TempDir } from '@tickline/testing';
import { EventLogError } from '../port/errors.ts';
import type { AppendRecord, EventLog } from '../port/event-log.ts';
import { createInMemoryEventLog, type InMemoryEventLog } from '../memory/memory-event-log.ts';
import { createPublisher, type Publisher } from './publisher.ts';
import type { PublisherOptions } from './publisher-options.ts';
import { until } from '@tickline/testing';
import { makeEvents, numbers, readAll, testContext } from './test-events.ts';

const FAST_RETRY = { initialDelayMs: 5, maxDelayMs: 20 };

describe('publisher', () => {
  let dir: TempDir;
  let log: InMemoryEventLog;
  const started: Publisher[] = [];

  beforeEach(async () => {
    dir = await tempDir('publisher');
    log = createInMemoryEventLog();
  });
  afterEach(async () => {
    for (const p of started.splice(0)) await p.stop();
    await dir.remove();
  });

  async function startPublisher(
    options: Partial<PublisherOptions> = {},
    target: EventLog = log,
  ): Promise<Publisher> {
    const publisher = createPublisher({ log: target, spillDir: dir.path, retry: FAST_RETRY, ...options });
    await publisher.start(testContext());
    started.push(publisher);
    return publisher;
  }

  const journalPath = (name = 'publisher') => join(dir.path, `${name}.journal`);

  it('publish - appends events in order with the envelope id, key, type and time', async () => {
    const publisher = await startPublisher();
    const events = makeEvents(2_500, { keys: ['a', 'b', 'c'] });
    for (const e of events) publisher.publish(e);
    expect(await publisher.flush(5_000)).toBe(true);
    const records = await readAll(log);
    expect(records.map((r) => r.id)).toEqual(events.map((e) => e.id));
    expect(records[1]).toMatchObject({
      key: 'b',
      type: 'test.player.moved',
      time: Date.parse(events[1]!.time),
    });
    expect(decodeEvent(records[7]!.payload)).toEqual(events[7]);
    expect(publisher.stats()).toMatchObject({
      queued: 0,
      spilled: 0,
      published: 2_500,
      retried: 0,
      inFlight: 0,
    });
  });

  it('publish - never throws and stays in microseconds while the log is down', async () => {
    log.setConnected(false);
    const publisher = await startPublisher({ maxQueuedEvents: 2_000, stopDrainTimeoutMs: 50 });
    const durationsMs: number[] = [];
    // Turns of 200 events, as a tick loop would publish them; the journal writes in between.
    for (let turn = 0; turn < 100; turn++) {
      for (const e of makeEvents(200, { keys: ['a', 'b'], padChars: 200, from: turn * 200 })) {
        const t = performance.now();
        publisher.publish(e);
        durationsMs.push(performance.now() - t);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(() => publisher.publish(undefined as never)).not.toThrow();
    expect(() => publisher.publishRecord({ id: 7 } as never)).not.toThrow();
    expect(publisher.stats().rejected).toBe(2);
    durationsMs.sort((a, b) => a - b);
    const medianUs = durationsMs[Math.floor(durationsMs.length / 2)]! * 1000;
    // The median and p99 are the claim. On a busy machine (CI) the OS preempts the loop every few
    // milliseconds and each preemption lands in one call: dozens of 20,000, enough to move the mean
    // and p99.9, never the p99.
    expect(medianUs).toBeLessThan(50);
    expect(durationsMs[Math.floor(durationsMs.length * 0.99)]).toBeLessThan(1);
    expect(publisher.stats()).toMatchObject({ queued: 2_000, spilledTotal: 18_000 });
    expect(publisher.health()).toMatchObject({ status: 'degraded', info: { queued: 2_000 } });
  });

  it('outage - keeps order across repeated outages and reports degraded health meanwhile', async () => {
    const publisher = await startPublisher({ maxBatch: 50 });
    const events = makeEvents(3_000, { keys: ['a', 'b', 'c'] });
    for (let i = 0; i < events.length; i++) {
      if (i % 1_000 === 100) log.setConnected(false);
      if (i % 1_000 === 600) {
        await until(() => publisher.health().status === 'degraded');
        log.setConnected(true);
      }
      publisher.publish(events[i]!);
      if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await publisher.flush(5_000)).toBe(true);
    expect(numbers(await readAll(log))).toEqual(events.map((e) => e.data.n));
    expect(publisher.stats().retried).toBeGreaterThan(0);
    expect(publisher.stats().appendErrors).toBeGreaterThan(0);
    expect(publisher.health().status).toBe('up');
  });

  it('spill - goes to the journal when memory is full and drains back in order', async () => {
    log.setConnected(false);
    const publisher = await startPublisher({ maxQueuedEvents: 100, maxBatch: 64 });
    const first = makeEvents(1_000, { keys: ['a', 'b'] });
    for (const e of first) publisher.publish(e);
    await until(() => publisher.stats().spilled === 900 && publisher.stats().queued === 100);
    await until(async () => (await stat(journalPath())).size > 0);
    expect(await publisher.flush(50)).toBe(false);

    log.setConnected(true);
    const second = makeEvents(500, { keys: ['a', 'b'], from: 1_000 });
    for (const e of second) publisher.publish(e); // still spilling: goes after the journal
    expect(await publisher.flush(5_000)).toBe(true);
    expect(numbers(await readAll(log))).toEqual([...first, ...second].map((e) => e.data.n));
    expect(publisher.stats()).toMatchObject({ queued: 0, spilled: 0, spilledTotal: 1_400, published: 1_500 });

    await until(async () => (await stat(journalPath())).size === 0); // truncated once drained
    publisher.publish(makeEvents(1, { from: 5_000 })[0]!);
    expect(publisher.stats()).toMatchObject({ queued: 1, spilledTotal: 1_400 }); // memory again
  });

  it('stop - journals the queue; the next start re-sends it first, exactly once', async () => {
    log.setConnected(false);
    const first = await startPublisher({ maxQueuedEvents: 100, stopDrainTimeoutMs: 50 });
    const events = makeEvents(600, { keys: ['a', 'b', 'c'] });
    for (const e of events) first.publish(e);
    await first.stop();
    expect(first.health().status).toBe('stopped');
    expect(first.stats().published).toBe(0);
    const saved = join(dir.path, 'saved.journal');
    await copyFile(journalPath(), saved);

    log.setConnected(true);
    const second = await startPublisher();
    expect(second.recovery()).toEqual({ records: 600, droppedBytes: 0 });
    const later = makeEvents(50, { from: 600 });
    for (const e of later) second.publish(e);
    expect(await second.flush(5_000)).toBe(true);
    await second.stop();
    await expect(stat(journalPath())).rejects.toThrow(/ENOENT/); // nothing left: file removed

    // A crash before the journal was cleared re-sends it: same ids, so the log keeps one copy.
    await copyFile(saved, journalPath());
    const third = await startPublisher();
    expect(await third.flush(5_000)).toBe(true);
    expect(third.stats().published).toBe(600);
    expect(numbers(await readAll(log))).toEqual([...events, ...later].map((e) => e.data.n));
  });

  it('stop - keeps order when the journal of the previous run is still unsent', async () => {
    log.setConnected(false);
    const options = { maxQueuedEvents: 100, stopDrainTimeoutMs: 20 };
    const events = makeEvents(500, { keys: ['a', 'b'] });
    const first = await startPublisher(options);
    for (const e of events.slice(0, 300)) first.publish(e);
    await first.stop();

    // Still down: the recovered 300 stay first, then this run's memory queue, then its spill.
    const second = await startPublisher(options);
    for (const e of events.slice(300)) second.publish(e);
    await until(() => second.stats().spilled === 400);
    await second.stop();

    log.setConnected(true);
    const third = await startPublisher();
    expect(third.recovery()).toEqual({ records: 500, droppedBytes: 0 });
    expect(await third.flush(5_000)).toBe(true);
    expect(numbers(await readAll(log))).toEqual(events.map((e) => e.data.n));
  });

  it('journal - a torn tail is truncated and reported; earlier records are kept', async () => {
    log.setConnected(false);
    const first = await startPublisher({ maxQueuedEvents: 10, stopDrainTimeoutMs: 20 });
    const events = makeEvents(40);
    for (const e of events) first.publish(e);
    await first.stop();
    const bytes = await readFile(journalPath());
    await writeFile(journalPath(), bytes.subarray(0, bytes.length - 30)); // the last frame is torn

    log.setConnected(true);
    const second = await startPublisher();
    expect(second.recovery()).toMatchObject({
      records: 39,
      droppedBytes: expect.any(Number),
      detail: 'torn final record',
    });
    expect(await second.flush(5_000)).toBe(true);
    expect(numbers(await readAll(log))).toEqual(events.slice(0, 39).map((e) => e.data.n));
  });

  it('journal - a corrupt record stops recovery there, keeping the records before it', async () => {
    log.setConnected(false);
    const first = await startPublisher({ maxQueuedEvents: 10, stopDrainTimeoutMs: 20 });
    const events = makeEvents(20);
    for (const e of events) first.publish(e);
    await first.stop();
    const bytes = await readFile(journalPath());
    const frame = bytes.length / 20; // every frame has the same size here
    bytes[Math.floor(frame * 5 + frame / 2)]! ^= 0xff; // flip a byte inside the sixth record
    await writeFile(journalPath(), bytes);

    log.setConnected(true);
    const second = await startPublisher();
    expect(second.recovery()).toEqual({ records: 5, droppedBytes: frame * 15, detail: 'checksum mismatch' });
    expect(await second.flush(5_000)).toBe(true);
    expect(numbers(await readAll(log))).toEqual(events.slice(0, 5).map((e) => e.data.n));
  });

  it('append - a record the log refuses permanently is rejected alone; the others go through', async () => {
    const refusing: EventLog = Object.create(log) as EventLog;
    refusing.append = async (records: readonly AppendRecord[]) => {
      if (records.some((r) => r.key === 'bad') && records.length > 1) {
        throw new EventLogError('EVLOG_INVALID_ARGUMENT', 'batch has an oversized record');
      }
      if (records[0]?.key === 'bad')
        return [{ ok: false, error: new EventLogError('EVLOG_INVALID_ARGUMENT', 'too big') }];
      return log.append(records);
    };
    const publisher = await startPublisher({}, refusing);
    const events = makeEvents(10);
    events[4]!.partitionkey = 'bad';
    for (const e of events) publisher.publish(e);
    expect(await publisher.flush(5_000)).toBe(true);
    expect(publisher.stats()).toMatchObject({ published: 9, rejected: 1 });
    expect(numbers(await readAll(log))).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9]);
  });

  it('metrics - exports queue, spill, publish and error series labelled by publisher', async () => {
    const metrics = createMetricsRegistry({ processMetrics: false });
    log.setConnected(false);
    const publisher = await startPublisher({ metrics, name: 'game', maxQueuedEvents: 5 });
    for (const e of makeEvents(8)) publisher.publish(e);
    await until(() => publisher.stats().appendErrors > 0);
    const text = await metrics.metrics();
    expect(text).toContain('tickline_publisher_queued{publisher="game"} 5');
    expect(text).toContain('tickline_publisher_spilled{publisher="game"} 3');
    expect(text).toMatch(/tickline_publisher_append_errors_total\{publisher="game"\} [1-9]/);
    log.setConnected(true);
    expect(await publisher.flush(5_000)).toBe(true);
    const after = await metrics.metrics();
    expect(after).toContain('tickline_publisher_published_total{publisher="game"} 8');
    expect(after).toContain('tickline_publisher_append_duration_seconds_count{publisher="game"}');
  });
});
