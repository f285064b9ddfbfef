import { until } from '@tickline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetricsRegistry, encodeEvent, type EventEnvelope, type Registry } from '@tickline/kernel';
import { createInMemoryEventLog, type InMemoryEventLog } from '../memory/memory-event-log.ts';
import { EventLogError } from '../port/errors.ts';
import type { AppendRecord } from '../port/event-log.ts';
import { makeEvents, testContext, testRegistry } from '../publisher/test-events.ts';
import { createConsumerRunner, type ConsumerRunner } from './consumer-runner.ts';
import type { ConsumerRunnerOptions } from './consumer-options.ts';
import { decodeDeadLetter, DEAD_LETTER_TYPE } from './dead-letter.ts';
import { listDeadLetters, retryDeadLetter } from './dead-letters.ts';
import { createMemoryDedupeStore } from './dedupe-store.ts';

type Moved = EventEnvelope<{ n: number; pad: string }>;
const FAST_RETRY = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 };

const recordOf = (event: EventEnvelope, payload: Uint8Array = encodeEvent(event)): AppendRecord => ({
  id: event.id,
  key: event.partitionkey,
  type: event.type,
  payload,
});

describe('consumer runner', () => {
  let log: InMemoryEventLog;
  let deadLetters: InMemoryEventLog;
  let metrics: Registry;
  const runners: ConsumerRunner[] = [];

  beforeEach(() => {
    log = createInMemoryEventLog({ name: 'main' });
    deadLetters = createInMemoryEventLog({ name: 'dead-letters' });
    metrics = createMetricsRegistry({ processMetrics: false });
  });
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
  });

  async function run(options: Partial<ConsumerRunnerOptions> & Pick<ConsumerRunnerOptions, 'handle'>) {
    const runner = createConsumerRunner({
      log,
      name: 'projector',
      deadLetters,
      metrics,
      waitMs: 20,
      retry: FAST_RETRY,
      ...options,
    });
    await runner.start(testContext());
    runners.push(runner);
    return runner;
  }

  const numbersSeen = (batches: EventEnvelope[][]) => batches.flat().map((e) => (e as Moved).data.n);

  it("runner - gives the handler each event's log offset for checkpoints", async () => {
    const events = makeEvents(30, { keys: ['a'] });
    await log.append(events.map((e) => recordOf(e)));
    const seen: Array<{ offsets: readonly number[]; lastOffset: number }> = [];
    const runner = await run({
      batchSize: 10,
      handle: async (_batch, { offsets, lastOffset }) => void seen.push({ offsets, lastOffset }),
    });
    await runner.idle();
    expect(seen.flatMap((s) => s.offsets)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(seen.map((s) => s.lastOffset)).toEqual([10, 20, 30]);
  });

  it('runner - handles every event once, in order, in batches, and acks the last offset', async () => {
    const events = makeEvents(1_200, { keys: ['a', 'b'] });
    await log.append(events.map((e) => recordOf(e)));
    const batches: EventEnvelope[][] = [];
    const runner = await run({ batchSize: 100, handle: async (batch) => void batches.push(batch) });
    await runner.idle();
    expect(numbersSeen(batches)).toEqual(events.map((e) => e.data.n));
    expect(batches.every((b) => b.length <= 100)).toBe(true);
    expect(batches[0]![3]).toEqual(events[3]);
    expect(runner.stats()).toMatchObject({ processed: 1_200, failed: 0, deadLetters: 0, lastOffset: 1_200 });
    expect(await log.consumers()).toEqual([{ name: 'projector', acked: 1_200, lag: 0 }]);
  });

  it('types - records of other types are acked without being decoded or handled', async () => {
    const events = makeEvents(300, { keys: ['a'] });
    // Every third record claims another type and carries bytes that do not decode.
    await log.append(
      events.map((e, i) =>
        i % 3 === 0 ? { ...recordOf(e, new Uint8Array([0xff])), type: 'test.other' } : recordOf(e),
      ),
    );
    const batches: EventEnvelope[][] = [];
    const runner = await run({
      batchSize: 50,
      types: new Set(['test.player.moved']),
      handle: async (batch) => void batches.push(batch),
    });
    await runner.idle();
    expect(numbersSeen(batches)).toEqual(events.filter((_, i) => i % 3 !== 0).map((e) => e.data.n));
    expect(runner.stats()).toMatchObject({
      processed: 200,
      decodeErrors: 0,
      deadLetters: 0,
      lastOffset: 300,
    });
    expect(await log.consumers()).toEqual([{ name: 'projector', acked: 300, lag: 0 }]);
  });

  it('types - a predicate decides by type where a set cannot list them (prefixes)', async () => {
    const events = makeEvents(30, { keys: ['a'] });
    await log.append(
      events.map((e, i) =>
        i % 2 === 0 ? { ...recordOf(e, new Uint8Array([0xff])), type: 'other.thing' } : recordOf(e),
      ),
    );
    const batches: EventEnvelope[][] = [];
    const runner = await run({
      types: (type) => type.startsWith('test.'),
      handle: async (batch) => void batches.push(batch),
    });
    await runner.idle();
    expect(numbersSeen(batches)).toEqual(events.filter((_, i) => i % 2 !== 0).map((e) => e.data.n));
    expect(runner.stats()).toMatchObject({ processed: 15, decodeErrors: 0, lastOffset: 30 });
  });

  it('retry - a failing batch is retried with the same events and then succeeds', async () => {
    await log.append(makeEvents(10).map((e) => recordOf(e)));
    let calls = 0;
    const seen: EventEnvelope[][] = [];
    const runner = await run({
      handle: async (batch) => {
        if (++calls <= 2) throw new Error('database busy');
        seen.push(batch);
      },
    });
    await runner.idle();
    expect(calls).toBe(3);
    expect(numbersSeen(seen)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(runner.stats()).toMatchObject({ processed: 10, failed: 2, deadLetters: 0 });
  });

  it('unavailable - a dependency down for longer than the retries is waited for, never dead-lettered', async () => {
    await log.append(makeEvents(10).map((e) => recordOf(e)));
    let calls = 0;
    const seen: EventEnvelope[][] = [];
    const runner = await run({
      handle: async (batch) => {
        // Ten failures against maxAttempts 3: the database restarting for a while.
        if (++calls <= 10) throw new EventLogError('EVLOG_UNAVAILABLE', 'connection refused');
        seen.push(batch);
      },
    });
    await runner.idle();
    expect(numbersSeen(seen)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(runner.stats()).toMatchObject({ processed: 10, failed: 10, deadLetters: 0, lastOffset: 10 });
    expect(await deadLetters.read({ from: 1, limit: 10 })).toEqual([]);
  });

  it('unavailable - a stop while waiting for the dependency leaves the batch for redelivery', async () => {
    await log.append(makeEvents(3).map((e) => recordOf(e)));
    let calls = 0;
    const runner = await run({
      handle: async () => {
        calls++;
        throw new EventLogError('EVLOG_UNAVAILABLE', 'connection refused');
      },
    });
    await expect.poll(() => calls).toBeGreaterThan(3);
    await runner.stop();
    runners.splice(runners.indexOf(runner), 1);
    expect(runner.stats()).toMatchObject({ processed: 0, deadLetters: 0 });
    const again = await run({ handle: async () => {} });
    await again.idle();
    expect(again.stats()).toMatchObject({ processed: 3, deadLetters: 0 });
  });

  it('poison - the batch is split and only the poison event is dead-lettered, with the error', async () => {
    const events = makeEvents(50);
    await log.append(events.map((e) => recordOf(e)));
    const handled: number[] = [];
    const runner = await run({
      handle: async (batch) => {
        if (batch.some((e) => (e as Moved).data.n === 37)) throw new TypeError('cannot project event 37');
        handled.push(...batch.map((e) => (e as Moved).data.n));
      },
    });
    await runner.idle();
    expect(handled).toEqual(events.map((e) => e.data.n).filter((n) => n !== 37));
    expect(runner.stats()).toMatchObject({ processed: 49, deadLetters: 1, lastOffset: 50 });
    const [stored] = await deadLetters.read({ from: 1, limit: 10 });
    expect(stored).toMatchObject({ key: 'k1', type: DEAD_LETTER_TYPE });
    const letter = decodeDeadLetter(stored!.payload);
    expect(letter).toMatchObject({
      consumer: 'projector',
      log: 'main',
      attempts: 3,
      error: { code: 'EVLOG_HANDLER_FAILED', message: 'cannot project event 37', details: { attempts: 3 } },
      record: { offset: 38, id: events[37]!.id },
    });
    expect(letter.record.payload).toEqual(new Uint8Array(encodeEvent(events[37]!)));
    expect(await metrics.metrics()).toContain('tickline_consumer_dead_letters_total{consumer="projector"} 1');
  });

  it('decode - undecodable records are dead-lettered by code without retries; the rest is processed', async () => {
    const [good1, unknown, invalid, good2] = makeEvents(4);
    unknown!.type = 'test.never.registered';
    unknown!.dataschema = '/schemas/test.never.registered/1';
    (invalid!.data as { n: unknown }).n = 'not a number';
    const truncated = encodeEvent(good2!).subarray(0, 20);
    const futureVersion = Uint8Array.from(encodeEvent(good2!), (b, i) => (i === 0 ? 9 : b));
    await log.append([
      recordOf(good1!),
      { id: 'garbage', key: 'k1', type: 'x', payload: Uint8Array.from([1, 0xc1, 0xc1, 0xc1, 7]) },
      { id: 'truncated', key: 'k1', type: 'x', payload: truncated },
      recordOf(unknown!),
      { id: 'future', key: 'k1', type: 'x', payload: futureVersion },
      recordOf(invalid!),
      recordOf(good2!),
    ]);
    let calls = 0;
    const handled: number[] = [];
    const runner = await run({
      registry: testRegistry(),
      handle: async (batch) => {
        calls++;
        handled.push(...batch.map((e) => (e as Moved).data.n));
      },
    });
    await runner.idle();
    expect(handled).toEqual([good1!.data.n, good2!.data.n]);
    expect(calls).toBe(1);
    expect(runner.stats()).toMatchObject({
      processed: 2,
      decodeErrors: 5,
      deadLetters: 5,
      failed: 0,
      lastOffset: 7,
    });
    const page = await listDeadLetters(deadLetters);
    expect(page.letters.map(({ letter }) => [letter.record.id, letter.error.code, letter.attempts])).toEqual([
      ['garbage', 'KERNEL_EVENT_MALFORMED', 0],
      ['truncated', 'KERNEL_EVENT_MALFORMED', 0],
      [unknown!.id, 'KERNEL_EVENT_UNKNOWN_TYPE', 0],
      ['future', 'KERNEL_EVENT_VERSION_UNSUPPORTED', 0],
      [invalid!.id, 'KERNEL_EVENT_INVALID', 0],
    ]);
    const text = await metrics.metrics();
    expect(text).toContain(
      'tickline_consumer_decode_errors_total{consumer="projector",code="KERNEL_EVENT_MALFORMED"} 2',
    );
    expect(text).toContain(
      'tickline_consumer_decode_errors_total{consumer="projector",code="KERNEL_EVENT_INVALID"} 1',
    );
  });

  it('dedupe - redelivery, re-sent copies and replay run the handler once per event id', async () => {
    const events = makeEvents(30);
    const dedupe = createMemoryDedupeStore();
    // A re-sent copy under another record id (as after a crash, past the log's dedupe window).
    await log.append([...events.map((e) => recordOf(e)), { ...recordOf(events[3]!), id: 'resent-3' }]);
    const handled: number[] = [];
    const handle = async (batch: EventEnvelope[]) =>
      void handled.push(...batch.map((e) => (e as Moved).data.n));
    const first = await run({ dedupe, batchSize: 7, handle });
    await first.idle();
    await first.stop();
    expect(first.stats()).toMatchObject({ processed: 30, duplicates: 1 });

    await log.resetConsumer('projector', { from: 'earliest' }); // replay everything
    await log.append(events.slice(0, 5).map((e) => ({ ...recordOf(e), id: `again-${e.id}` })));
    const second = await run({ dedupe, handle });
    await second.idle();
    expect(handled).toEqual(events.map((e) => e.data.n));
    expect(second.stats()).toMatchObject({ processed: 0, duplicates: 36, lastOffset: 36 });
  });

  it('stop - lets the handler call in progress finish and acks its batch', async () => {
    await log.append(makeEvents(5).map((e) => recordOf(e)));
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const runner = await run({
      handle: () => {
        entered();
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    await inside;
    const stopping = runner.stop();
    let stopped = false;
    void stopping.then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(runner.health().status).toBe('stopped');
    expect(await log.consumers()).toEqual([{ name: 'projector', acked: 5, lag: 0 }]);
  });

  it('stop - does not wait out a retry backoff; the batch stays unacked for redelivery', async () => {
    await log.append(makeEvents(5).map((e) => recordOf(e)));
    let calls = 0;
    const runner = await run({
      retry: { maxAttempts: 5, initialDelayMs: 10_000, maxDelayMs: 10_000 },
      handle: async () => {
        calls++;
        throw new Error('still down');
      },
    });
    await until(() => calls > 0, { timeoutMs: 15_000, what: 'the first failing attempt' });
    const started = Date.now();
    await runner.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(calls).toBe(1);
    expect(await log.consumers()).toEqual([{ name: 'projector', acked: 0, lag: 5 }]);
    expect(runner.stats().deadLetters).toBe(0);
  });

  it('dead letters - a retried dead letter is handled once the cause is fixed', async () => {
    const events = makeEvents(5);
    await log.append(events.map((e) => recordOf(e)));
    let broken = true;
    const handled: number[] = [];
    const runner = await run({
      handle: async (batch) => {
        if (broken && batch.some((e) => (e as Moved).data.n === 2)) throw new Error('bug');
        handled.push(...batch.map((e) => (e as Moved).data.n));
      },
    });
    await runner.idle();
    const page = await listDeadLetters(deadLetters, { consumer: 'projector' });
    expect(page.letters).toHaveLength(1);
    expect(page.next).toBe(2);

    broken = false;
    const result = await retryDeadLetter({ deadLetters, offset: page.letters[0]!.offset, target: log });
    expect(result).toMatchObject({ ok: true, duplicate: false, offset: 6 });
    expect(await retryDeadLetter({ deadLetters, offset: 1, target: log })).toMatchObject({ duplicate: true });
    await runner.idle();
    expect(handled).toEqual([0, 1, 3, 4, 2]);
    expect(runner.stats()).toMatchObject({ processed: 5, deadLetters: 1 });
  });

  it('metrics - processed, lag and batch duration are labelled by consumer', async () => {
    await log.append(makeEvents(3).map((e) => recordOf(e)));
    const runner = await run({ handle: async () => {}, lagIntervalMs: 10 });
    await runner.idle();
    // The lag gauge is sampled every lagIntervalMs: wait for the sample that saw the log read.
    await until(
      async () => (await metrics.metrics()).includes('tickline_consumer_lag{consumer="projector"} 0'),
      {
        timeoutMs: 15_000,
        what: 'the lag gauge to read 0',
      },
    );
    const text = await metrics.metrics();
    expect(text).toContain('tickline_consumer_processed_total{consumer="projector"} 3');
    expect(text).toContain('tickline_consumer_lag{consumer="projector"} 0');
    expect(text).toContain('tickline_consumer_batch_duration_seconds_count{consumer="projector"} 1');
    expect(runner.health()).toMatchObject({ status: 'up', info: { lastOffset: 3, lag: 0 } });
  });
});

describe('memory dedupe store', () => {
  it('dedupe store - forgets the oldest ids beyond its capacity', async () => {
    const store = createMemoryDedupeStore({ capacity: 3 });
    await store.remember(['a', 'b', 'c']);
    await store.remember(['a', 'd']); // "a" is refreshed, so "b" is the oldest
    expect([...(await store.unseen(['a', 'b', 'c', 'd', 'e']))]).toEqual(['b', 'e']);
  });
});
