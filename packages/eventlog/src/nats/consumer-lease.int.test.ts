/**
 * Two processes holding one durable (each a connection of its own here): one hands records out,
 * the other stands by; a clean close hands over at once, a dead holder's lease expires.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { requireBinary, startNatsServer, until, type NatsServerHandle } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRecord } from '../contract/event-log-contract.ts';
import type { LogConsumer, LogRecord } from '../port/event-log.ts';
import { ConsumerLease, ensureLeaseStream, leaseStreamName } from './consumer-lease.ts';
import type { NatsLogConsumer } from './consumer.ts';
import { createNatsEventLog, type NatsEventLog } from './nats-event-log.ts';
import type { NatsEventLogOptions } from './options.ts';

const nats = requireBinary('nats-server', 'nats-server');
let server: NatsServerHandle | undefined;
let streamCounter = 0;
const TTL_MS = 1_500;

function uniqueOptions(): NatsEventLogOptions {
  const n = ++streamCounter;
  return {
    servers: server!.url,
    stream: `LEASE_${process.pid}_${n}`,
    subjectPrefix: `lease.${process.pid}.${n}`,
    leaseTtlMs: TTL_MS,
  };
}

/** Fetches and acks until `stop`; returns what it got, in the order it got it. */
function drain(consumer: LogConsumer, stop: () => boolean): { got: LogRecord[]; done: Promise<void> } {
  const got: LogRecord[] = [];
  const done = (async () => {
    while (!stop()) {
      const batch = await consumer.fetch({ max: 16, waitMs: 100 });
      if (batch.length === 0) continue;
      got.push(...batch);
      await consumer.ack(batch.at(-1)!.offset);
    }
  })();
  return { got, done };
}

describe.skipIf(!nats.available)(`nats consumer lease ${nats.reason ?? ''}`, () => {
  let nc: NatsConnection;
  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.cleanup();
  });

  it('lease - one holder at a time; a release hands over at once; an unrenewed lease expires', async () => {
    const jsm = await jetstreamManager(nc);
    const stream = `LEASEUNIT_${process.pid}`;
    await ensureLeaseStream(jsm, stream, 1, TTL_MS);
    const lease = (holder: string) =>
      new ConsumerLease({
        nc,
        jsm,
        stream,
        durable: 'd',
        holder,
        ttlMs: TTL_MS,
        apiTimeoutMs: 5_000,
        ensureStream: () => ensureLeaseStream(jsm, stream, 1, TTL_MS),
      });
    const a = lease('a');
    const b = lease('b');
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    // Renewals keep it past several times to live.
    await new Promise((r) => setTimeout(r, TTL_MS * 2));
    expect(a.held).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    await a.release();
    expect(a.held).toBe(false);
    expect(await b.tryAcquire()).toBe(true);
    // b stops renewing as a killed process would: a takes over only once the record expired.
    b.close();
    const stoppedAt = Date.now();
    expect(await a.tryAcquire()).toBe(false);
    await until(() => a.tryAcquire(), { timeoutMs: TTL_MS * 4, what: 'the unrenewed lease expired' });
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(TTL_MS - 500);
    await a.release();
    // The lease stream deleted under a holder (a cluster rebuilt): the next acquire recreates it.
    await jsm.streams.delete(leaseStreamName(stream));
    expect(await b.tryAcquire()).toBe(true);
    await b.release();
  });

  it('lease - two processes on one durable: one holder, every record once in order; the standby takes over on close', async () => {
    const options = uniqueOptions();
    const one: NatsEventLog = await createNatsEventLog(options);
    const two: NatsEventLog = await createNatsEventLog(options);
    try {
      await one.append(Array.from({ length: 300 }, (_, i) => sampleRecord(`k${i % 7}`)));
      const a = (await one.consumer('projection')) as NatsLogConsumer;
      const b = (await two.consumer('projection')) as NatsLogConsumer;
      let stopA = false;
      let stopB = false;
      const fromA = drain(a, () => stopA);
      const fromB = drain(b, () => stopB);
      await until(() => fromA.got.length + fromB.got.length >= 300, { what: '300 records handed out' });
      // One of them holds the lease and got everything, in stream order; the other got nothing.
      const [holder, standby] = fromA.got.length > 0 ? [fromA, fromB] : [fromB, fromA];
      expect(standby.got).toEqual([]);
      expect(holder.got.map((r) => r.offset)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      expect([a.active, b.active].sort()).toEqual([false, true]);

      // The holder stops cleanly: its standby goes on from the next record within a poll or two.
      const holderLog = holder === fromA ? one : two;
      if (holder === fromA) stopA = true;
      else stopB = true;
      await holder.done;
      await holderLog.close();
      const closedAt = Date.now();
      const writer = holderLog === one ? two : one;
      await writer.append(Array.from({ length: 50 }, () => sampleRecord('k')));
      await until(() => standby.got.length >= 50, { timeoutMs: 10_000, what: 'the standby took over' });
      expect(Date.now() - closedAt).toBeLessThan(TTL_MS);
      expect(standby.got.map((r) => r.offset)).toEqual(Array.from({ length: 50 }, (_, i) => 301 + i));
      stopA = stopB = true;
      await standby.done;
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('lease - a dead holder’s lease expires and the standby then reads on; shared consumers never wait', async () => {
    const options = uniqueOptions();
    const log = await createNatsEventLog(options);
    try {
      await log.append(Array.from({ length: 20 }, () => sampleRecord('k')));
      // A holder that died without releasing: its record stays until the time to live has passed.
      const h = headers();
      h.set('Nats-Expected-Last-Subject-Sequence', '0');
      await nc.request(`$TL.LEASE.${options.stream}.projection`, 'dead-host:1', { headers: h, timeout: 5_000 });
      const writtenAt = Date.now();
      const standby = (await log.consumer('projection')) as NatsLogConsumer;
      expect(await standby.fetch({ max: 10, waitMs: 200 })).toEqual([]);
      expect(standby.active).toBe(false);
      let first: LogRecord[] = [];
      await until(async () => (first = await standby.fetch({ max: 10, waitMs: 200 })).length > 0, {
        timeoutMs: TTL_MS * 6,
        what: 'the standby took the expired lease',
      });
      expect(Date.now() - writtenAt).toBeGreaterThanOrEqual(TTL_MS - 500);
      expect(first[0]!.offset).toBe(1);
      expect(standby.active).toBe(true);

      // A shared consumer (the gateways' delivery consumers) never looks at a lease.
      await nc.request(`$TL.LEASE.${options.stream}.fanout`, 'dead-host:1', { headers: h, timeout: 5_000 });
      const shared = await log.consumer('fanout', { shared: true });
      expect((await shared.fetch({ max: 5, waitMs: 200 })).length).toBe(5);
    } finally {
      await log.close();
    }
  });

  it('order - a holder that died with records unacknowledged: the next one hands those out first, then the rest', async () => {
    const options = { ...uniqueOptions(), ackWaitMs: 1_000 };
    const log = await createNatsEventLog(options);
    try {
      const appended = Array.from({ length: 12 }, () => sampleRecord('k'));
      await log.append(appended);
      await (await log.consumer('projection')).close();
      // The dead holder: it was sent records 1..5 and never acknowledged them. The durable's
      // delivered sequence already counts them, so nothing in the next holder's numbering jumps.
      const raw = await jetstream(nc).consumers.get(options.stream!, 'projection');
      const lost = await raw.fetch({ max_messages: 5, expires: 2_000 });
      let taken = 0;
      for await (const _ of lost) if (++taken === 5) break;
      expect(taken).toBe(5);

      const next = (await log.consumer('projection')) as NatsLogConsumer;
      const got: LogRecord[] = [];
      await until(
        async () => {
          const batch = await next.fetch({ max: 16, waitMs: 200 });
          got.push(...batch);
          if (batch.length > 0) await next.ack(batch.at(-1)!.offset);
          return new Set(got.map((r) => r.id)).size === appended.length;
        },
        { timeoutMs: 15_000, what: 'every record handed out' },
      );
      expect(got.map((r) => r.id)).toEqual(appended.map((r) => r.id));
      expect(next.orderGaps).toBeGreaterThanOrEqual(1);
    } finally {
      await log.close();
    }
  });
});
