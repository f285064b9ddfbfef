/**
 * @module The EventLog contract: one suite, written once, run against every adapter.
 * An adapter's test file calls {@link runEventLogContract} with a factory.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AppendRecord, EventLog, LogRecord } from '../port/event-log.ts';

/** What a factory returns for one test. */
export interface ContractSubject {
  log: EventLog;
  /** Closes `log` and opens the same log again, as a restart would. Absent for non-durable adapters. */
  reopen?: () => Promise<EventLog>;
  /** Releases everything the factory created. */
  cleanup?: () => Promise<void>;
}

/** Options for {@link runEventLogContract}. */
export interface ContractOptions {
  /** Creates a fresh, empty log. Called once per test. */
  create: () => Promise<ContractSubject>;
  /** Skip named cases, each with the reason (printed in the test name). */
  skip?: Partial<Record<ContractCase, string>>;
}

export type ContractCase = 'durability' | 'time-start';

let counter = 0;
/** A record with a unique id and a recognisable payload. */
export function sampleRecord(key = 'k1', size = 32, time?: number): AppendRecord {
  const n = ++counter;
  const payload = new Uint8Array(size);
  for (let i = 0; i < size; i++) payload[i] = (n + i) & 0xff;
  return {
    id: `id-${process.pid}-${Date.now()}-${n}`,
    key,
    type: 'test.sample',
    payload,
    ...(time === undefined ? {} : { time }),
  };
}

async function fetchAll(log: EventLog, name: string, expected: number): Promise<LogRecord[]> {
  const consumer = await log.consumer(name);
  const out: LogRecord[] = [];
  try {
    for (let attempts = 0; out.length < expected && attempts < 50; attempts++) {
      out.push(...(await consumer.fetch({ max: 1000, waitMs: 200 })));
    }
  } finally {
    await consumer.close();
  }
  return out;
}

/** Registers the contract suite for one adapter. */
export function runEventLogContract(adapter: string, options: ContractOptions): void {
  describe(`event log contract - ${adapter}`, () => {
    let subject: ContractSubject | undefined;
    const open = async (): Promise<EventLog> => {
      subject = await options.create();
      return subject.log;
    };
    afterEach(async () => {
      const s = subject;
      subject = undefined;
      if (!s) return;
      await s.log.close().catch(() => {});
      await s.cleanup?.();
    });
    const skipped = (name: ContractCase) => options.skip?.[name];

    it('append - returns one result per record with increasing offsets', async () => {
      const log = await open();
      expect(await log.head()).toEqual({ first: 0, last: 0 });
      const results = await log.append([sampleRecord(), sampleRecord(), sampleRecord()]);
      expect(results).toEqual([
        { ok: true, offset: 1, duplicate: false },
        { ok: true, offset: 2, duplicate: false },
        { ok: true, offset: 3, duplicate: false },
      ]);
      const more = await log.append([sampleRecord()]);
      expect(more).toEqual([{ ok: true, offset: 4, duplicate: false }]);
      expect(await log.head()).toEqual({ first: 1, last: 4 });
    });

    it('append - concurrent batches get distinct offsets and keep each batch in order', async () => {
      const log = await open();
      const batches = Array.from({ length: 10 }, (_, b) =>
        Array.from({ length: 20 }, () => sampleRecord(`key-${b}`)),
      );
      const results = await Promise.all(batches.map((batch) => log.append(batch)));
      const offsets = results.flat().map((r) => (r.ok ? r.offset : -1));
      expect(new Set(offsets).size).toBe(200);
      for (const r of results) {
        const o = r.map((x) => (x.ok ? x.offset : -1));
        expect([...o].sort((a, b) => a - b)).toEqual(o);
      }
      expect((await log.head()).last).toBe(200);
    });

    it('append - the same id again is a duplicate pointing at the original, stored once', async () => {
      const log = await open();
      const a = sampleRecord();
      const b = sampleRecord();
      await log.append([a, b]);
      const again = await log.append([b, sampleRecord(), a]);
      expect(again).toEqual([
        { ok: true, offset: 2, duplicate: true },
        { ok: true, offset: 3, duplicate: false },
        { ok: true, offset: 1, duplicate: true },
      ]);
      expect((await log.head()).last).toBe(3);
    });

    it('read - returns a range with every field intact, bytes exact', async () => {
      const log = await open();
      const records = [
        sampleRecord('zone/zone-1', 300, 1_700_000_000_000),
        sampleRecord('sym:BTC-USDT', 0),
        sampleRecord('ключ ✓', 5000),
      ];
      await log.append(records);
      const read = await log.read({ from: 1, limit: 10 });
      expect(read.map((r) => r.offset)).toEqual([1, 2, 3]);
      read.forEach((r, i) => {
        const original = records[i]!;
        expect(r).toMatchObject({ id: original.id, key: original.key, type: original.type });
        expect(Buffer.from(r.payload).equals(Buffer.from(original.payload))).toBe(true);
        expect(typeof r.time).toBe('number');
      });
      expect(read[0]!.time).toBe(1_700_000_000_000);
      expect((await log.read({ from: 2, limit: 1 })).map((r) => r.offset)).toEqual([2]);
      expect(await log.read({ from: 4, limit: 10 })).toEqual([]);
    });

    it('consumer - delivers in order from the earliest, resumes after the acknowledged offset', async () => {
      const log = await open();
      await log.append(Array.from({ length: 25 }, () => sampleRecord()));
      const consumer = await log.consumer('c1');
      const first = await consumer.fetch({ max: 10, waitMs: 1000 });
      expect(first.map((r) => r.offset)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      await consumer.ack(10);
      const second = await consumer.fetch({ max: 10, waitMs: 1000 });
      expect(second[0]!.offset).toBe(11);
      await consumer.ack(second.at(-1)!.offset);
      await consumer.close();
      const rest = await fetchAll(log, 'c1', 5);
      expect(rest.map((r) => r.offset)).toEqual([21, 22, 23, 24, 25]);
    });

    it('consumer - redelivers what was fetched but not acknowledged', async () => {
      const log = await open();
      await log.append(Array.from({ length: 6 }, () => sampleRecord()));
      const consumer = await log.consumer('c-redeliver');
      const batch = await consumer.fetch({ max: 6, waitMs: 1000 });
      expect(batch).toHaveLength(6);
      await consumer.ack(2);
      await consumer.close();
      const again = await fetchAll(log, 'c-redeliver', 4);
      expect(again.map((r) => r.offset)).toEqual([3, 4, 5, 6]);
    });

    it('consumer - start positions: latest, offset and time', async () => {
      const log = await open();
      await log.append([sampleRecord('k', 8, 1000), sampleRecord('k', 8, 2000), sampleRecord('k', 8, 3000)]);
      const latest = await log.consumer('c-latest', { start: { from: 'latest' } });
      expect(await latest.fetch({ max: 10, waitMs: 100 })).toEqual([]);
      await log.append([sampleRecord('k', 8, 4000)]);
      expect((await latest.fetch({ max: 10, waitMs: 2000 })).map((r) => r.offset)).toEqual([4]);
      await latest.close();
      const fromOffset = await fetchAll(log, 'c-offset', 3);
      expect(fromOffset[0]!.offset).toBe(1);
      const atTwo = await log.consumer('c-offset-2', { start: { from: 'offset', offset: 2 } });
      expect((await atTwo.fetch({ max: 10, waitMs: 1000 })).map((r) => r.offset)).toEqual([2, 3, 4]);
      await atTwo.close();
    });

    it.skipIf(skipped('time-start'))(
      `consumer - start at a time ${skipped('time-start') ?? ''}`,
      async () => {
        const log = await open();
        const base = Date.now() - 60_000;
        await log.append([
          sampleRecord('k', 8, base),
          sampleRecord('k', 8, base + 10_000),
          sampleRecord('k', 8, base + 20_000),
        ]);
        const c = await log.consumer('c-time', { start: { from: 'time', time: base + 5_000 } });
        expect((await c.fetch({ max: 10, waitMs: 1000 })).map((r) => r.offset)).toEqual([2, 3]);
        await c.close();
      },
    );

    it('consumer - a waiting fetch wakes on append and times out empty otherwise', async () => {
      const log = await open();
      const c = await log.consumer('c-wait');
      const started = Date.now();
      expect(await c.fetch({ max: 10, waitMs: 150 })).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
      const pending = c.fetch({ max: 10, waitMs: 5000 });
      setTimeout(() => void log.append([sampleRecord()]), 50);
      const t0 = Date.now();
      expect((await pending).map((r) => r.offset)).toEqual([1]);
      expect(Date.now() - t0).toBeLessThan(2000);
      await c.close();
    });

    it('consumer - positions, lag and reset', async () => {
      const log = await open();
      await log.append(Array.from({ length: 10 }, () => sampleRecord()));
      const c = await log.consumer('c-lag');
      await c.fetch({ max: 4, waitMs: 1000 });
      await c.ack(4);
      await c.close();
      const info = (await log.consumers()).find((x) => x.name === 'c-lag');
      expect(info).toEqual({ name: 'c-lag', acked: 4, lag: 6 });
      await log.resetConsumer('c-lag', { from: 'earliest' });
      expect((await log.consumers()).find((x) => x.name === 'c-lag')).toEqual({
        name: 'c-lag',
        acked: 0,
        lag: 10,
      });
      const replay = await fetchAll(log, 'c-lag', 10);
      expect(replay.map((r) => r.offset)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('consumer - two names consume independently', async () => {
      const log = await open();
      await log.append(Array.from({ length: 5 }, () => sampleRecord()));
      const a = await fetchAll(log, 'tenant-a', 5);
      const b = await fetchAll(log, 'tenant-b', 5);
      expect(a.map((r) => r.id)).toEqual(b.map((r) => r.id));
    });

    it('order - records with the same key arrive in append order', async () => {
      const log = await open();
      const keys = ['a', 'b', 'c'];
      const appended: AppendRecord[] = [];
      for (let i = 0; i < 60; i++) appended.push(sampleRecord(keys[i % 3]));
      for (let i = 0; i < 60; i += 7) await log.append(appended.slice(i, i + 7));
      const got = await fetchAll(log, 'c-order', 60);
      for (const key of keys) {
        expect(got.filter((r) => r.key === key).map((r) => r.id)).toEqual(
          appended.filter((r) => r.key === key).map((r) => r.id),
        );
      }
    });

    it.skipIf(skipped('durability'))(
      `durability - records and checkpoints survive a reopen ${skipped('durability') ?? ''}`,
      async () => {
        let log = await open();
        const records = Array.from({ length: 50 }, () => sampleRecord());
        await log.append(records);
        const c = await log.consumer('c-durable');
        await c.fetch({ max: 20, waitMs: 1000 });
        await c.ack(20);
        await c.close();
        log = await subject!.reopen!();
        subject!.log = log;
        expect(await log.head()).toEqual({ first: 1, last: 50 });
        expect((await log.read({ from: 1, limit: 100 })).map((r) => r.id)).toEqual(records.map((r) => r.id));
        const rest = await fetchAll(log, 'c-durable', 30);
        expect(rest[0]!.offset).toBe(21);
        expect(rest).toHaveLength(30);
        expect((await log.append([records[0]!]))[0]).toMatchObject({ ok: true, duplicate: true, offset: 1 });
      },
    );

    it('close - later calls fail with EVLOG_CLOSED', async () => {
      const log = await open();
      await log.close();
      await expect(log.append([sampleRecord()])).rejects.toMatchObject({ code: 'EVLOG_CLOSED' });
      expect(log.health().connected).toBe(false);
    });
  });
}
