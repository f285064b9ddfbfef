import { join } from 'node:path';
import { requireBinary, startNatsServer, tempDir, type NatsServerHandle } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNatsEventLog } from '../../nats/nats-event-log.ts';
import { makeEvents, numbers, readAll, testContext } from '../test-events.ts';
import { publishPacked } from './packed-test-codec.test-support.ts';
import { createWorkerPublisher } from './worker-publisher.ts';

const nats = requireBinary('nats-server', 'nats-server');
let server: NatsServerHandle | undefined;

describe.skipIf(!nats.available)(`worker publisher on NATS ${nats.reason ?? ''}`, () => {
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  it('nats - the worker publishes over its own connection; events and packed entries arrive in order', async () => {
    const dir = await tempDir('worker-publisher-nats');
    const options = {
      servers: server!.url,
      stream: `WORKER_${process.pid}`,
      subjectPrefix: `worker.${process.pid}`,
    };
    const publisher = createWorkerPublisher({
      log: { engine: 'nats', options },
      spillDir: join(dir.path, 'spill'),
      codecs: [new URL('./packed-test-codec.test-support.ts', import.meta.url)],
    });
    try {
      await publisher.start(testContext());
      const events = makeEvents(2_000, { keys: ['a'] });
      const expected: number[] = [];
      for (const [i, e] of events.entries()) {
        if (i % 4 === 0) {
          publishPacked(publisher, 10_000 + i, 'a');
          expected.push(10_000 + i);
        } else {
          publisher.publish(e);
          expected.push(e.data.n);
        }
      }
      expect(await publisher.flush(20_000)).toBe(true);
      expect(publisher.stats()).toMatchObject({ published: 2_000, rejected: 0, queued: 0 });
    } finally {
      await publisher.stop();
      await dir.remove();
    }
    const log = await createNatsEventLog(options);
    try {
      const records = await readAll(log);
      expect(records).toHaveLength(2_000);
      expect(numbers(records).slice(0, 8)).toEqual([10_000, 1, 2, 3, 10_004, 5, 6, 7]);
    } finally {
      await log.close();
    }
  });
});
