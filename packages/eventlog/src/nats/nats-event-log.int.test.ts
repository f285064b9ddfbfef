import { requireBinary, startNatsServer, type NatsServerHandle } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEventLogContract, sampleRecord } from '../contract/event-log-contract.ts';
import { runKeyInterestContract } from '../contract/key-interest-contract.ts';
import { isEventLogUnavailableError } from '../port/errors.ts';
import { createNatsEventLog, type NatsEventLog } from './nats-event-log.ts';
import type { NatsEventLogOptions } from './options.ts';

const nats = requireBinary('nats-server', 'nats-server');
let server: NatsServerHandle | undefined;
let streamCounter = 0;

/** A unique stream and subject prefix per test, so tests never see each other's records. */
function uniqueOptions(): NatsEventLogOptions {
  const n = ++streamCounter;
  return {
    servers: server!.url,
    stream: `CONTRACT_${process.pid}_${n}`,
    subjectPrefix: `contract.${process.pid}.${n}`,
  };
}

describe.skipIf(!nats.available)(`nats event log ${nats.reason ?? ''}`, () => {
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  runEventLogContract('nats', {
    create: async () => {
      const options = uniqueOptions();
      const log = await createNatsEventLog(options);
      return {
        log,
        reopen: async () => {
          await log.close();
          return createNatsEventLog(options);
        },
      };
    },
  });

  // Segmented keys, one token per segment, as the real-time delivery log uses them.
  runKeyInterestContract('nats', async () => ({
    log: await createNatsEventLog({
      ...uniqueOptions(),
      segmentedKeys: true,
      retention: { maxPerKey: 1_000 },
    }),
  }));

  describe('nats adapter', () => {
    it('outage - appends reject promptly with EVLOG_UNAVAILABLE while the server is down, then recover', async () => {
      const log: NatsEventLog = await createNatsEventLog({ ...uniqueOptions(), publishTimeoutMs: 2000 });
      try {
        expect((await log.append([sampleRecord()]))[0]).toMatchObject({ ok: true, offset: 1 });
        await server!.kill();
        await expect.poll(() => log.health().connected, { timeout: 30_000 }).toBe(false);
        const started = Date.now();
        await expect(log.append([sampleRecord()])).rejects.toSatisfy(isEventLogUnavailableError);
        expect(Date.now() - started).toBeLessThan(100);
        await server!.restart();
        await expect.poll(() => log.health().connected, { timeout: 10_000 }).toBe(true);
        const again = await log.append([sampleRecord()]);
        expect(again[0]).toMatchObject({ ok: true, offset: 2, duplicate: false });
      } finally {
        await log.close();
      }
    });

    it('consumer - a durable with expireAfterMs is removed by nats-server once nobody holds it', async () => {
      const log = await createNatsEventLog(uniqueOptions());
      try {
        await log.append([sampleRecord('k')]);
        const kept = await log.consumer('kept', { start: { from: 'earliest' } });
        const node = await log.consumer('delivery-node-1', {
          start: { from: 'earliest' },
          expireAfterMs: 1_000,
        });
        const [record] = await node.fetch({ max: 10, waitMs: 1_000 });
        await node.ack(record!.offset);
        // Held and fetching (as a gateway's delivery loop does) it stays, well past the threshold.
        for (const until = Date.now() + 2_500; Date.now() < until;)
          await node.fetch({ max: 10, waitMs: 300 });
        expect((await log.consumers()).map((c) => c.name)).toContain('delivery-node-1');
        await kept.close();
        await node.close();
        expect((await log.consumers()).map((c) => c.name)).toEqual(['delivery-node-1', 'kept']);
        await expect
          .poll(async () => (await log.consumers()).map((c) => c.name), { timeout: 20_000, interval: 250 })
          .toEqual(['kept']);
        // Opened again after it expired: a new durable at its start position, nothing left over.
        const again = await log.consumer('delivery-node-1', {
          start: { from: 'latest' },
          expireAfterMs: 1_000,
        });
        expect(await again.fetch({ max: 10, waitMs: 200 })).toEqual([]);
        await again.close();
      } finally {
        await log.close();
      }
    });

    it('options - a second open with the same stream reuses it and sees its records', async () => {
      const options = uniqueOptions();
      const a = await createNatsEventLog(options);
      const b = await createNatsEventLog(options);
      try {
        await a.append([sampleRecord('k'), sampleRecord('k')]);
        expect(await b.head()).toEqual({ first: 1, last: 2 });
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
});
