/**
 * @module The consumer side of the NATS outage test, in a worker thread: platform consumers run in
 * another process in production, so their allocations (and GC pauses) must not land on the
 * thread whose publish calls the test times. Checks delivery as it goes and reports to the parent.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { silentLogger, type EventEnvelope } from '@tickline/kernel';
import { createConsumerRunner } from '../consumer/consumer-runner.ts';
import { createNatsEventLog } from '../nats/nats-event-log.ts';

/** What the parent passes in `workerData`. */
export interface OutageConsumerConfig {
  servers: string;
  stream: string;
  subjectPrefix: string;
  total: number;
  keys: string[];
}

/** Messages to the parent. */
export type OutageConsumerMessage =
  | { type: 'ready' }
  | { type: 'done' }
  | { type: 'failed'; error: string }
  | {
      type: 'report';
      received: number;
      receivedTwice: number;
      /** Events that did not arrive as the next one expected for their key (first few). */
      outOfOrder: Array<{ key: string; expected: number; got: number }>;
      perKey: Record<string, number>;
      duplicatesSkipped: number;
    };

// Linux applies this to the calling thread only: the consumer yields the CPU to the game loop.
setPriority(10);
const config = workerData as OutageConsumerConfig;
const port = parentPort!;
const log = await createNatsEventLog({
  servers: config.servers,
  stream: config.stream,
  subjectPrefix: config.subjectPrefix,
});
const seen = new Set<string>();
const nextByKey = new Map(config.keys.map((key, i) => [key, i]));
const perKey: Record<string, number> = Object.fromEntries(config.keys.map((key) => [key, 0]));
const outOfOrder: Array<{ key: string; expected: number; got: number }> = [];
let received = 0;
let receivedTwice = 0;

const runner = createConsumerRunner({
  log,
  name: 'outage-check',
  batchSize: 1_000,
  waitMs: 200,
  logger: silentLogger,
  handle: async (events) => {
    for (const event of events as EventEnvelope<{ n: number }>[]) {
      if (seen.has(event.id)) receivedTwice++;
      seen.add(event.id);
      const key = event.partitionkey;
      const expected = nextByKey.get(key) ?? -1;
      if (event.data.n !== expected && outOfOrder.length < 10)
        outOfOrder.push({ key, expected, got: event.data.n });
      nextByKey.set(key, event.data.n + config.keys.length);
      perKey[key] = (perKey[key] ?? 0) + 1;
      if (++received === config.total) port.postMessage({ type: 'done' } satisfies OutageConsumerMessage);
    }
  },
});
await runner.start({
  logger: silentLogger,
  fail: (error) => port.postMessage({ type: 'failed', error: String(error) } satisfies OutageConsumerMessage),
});
port.postMessage({ type: 'ready' } satisfies OutageConsumerMessage);

port.once('message', () => {
  void (async () => {
    await runner.idle();
    await runner.stop();
    await log.close();
    port.postMessage({
      type: 'report',
      received,
      receivedTwice,
      outOfOrder,
      perKey,
      duplicatesSkipped: runner.stats().duplicates,
    } satisfies OutageConsumerMessage);
  })();
});
