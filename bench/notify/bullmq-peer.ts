/**
 * @module The BullMQ peer (the queue Novu runs on), on a real redis-server, written the way
 * BullMQ's docs recommend (docs.bullmq.io: "Connections", "Workers › Concurrency", "Queue › Adding
 * jobs in bulk"): a `Queue` the producer fills with `addBulk`, and a `Worker` with `concurrency`
 * whose processor does the same signed Standard Webhooks POST to the same receiver through the
 * same undici primitive the pipeline's client uses (`dispatch`, see raw.ts). A non-2xx answer
 * throws, so BullMQ records the job failed and retries it (`attempts`, exponential `backoff`);
 * completed jobs are kept — BullMQ's record of each delivery, as the
 * pipeline keeps its delivery rows. node-redis (the project's Redis client) is connected through
 * BullMQ's own adapter, `createNodeRedisClient`.
 */
import { createNodeRedisClient, Queue, Worker } from 'bullmq';
import { createClient } from 'redis';
import { Agent } from 'undici';
import { webhookHeaders } from '@tickline/notify/internal';
import { cpuMicros } from '../lib/proc-stat.ts';
import { dispatchPost } from './raw.ts';

export interface PeerJob {
  id: string;
  path: string;
  body: string;
}

export interface BullmqResult {
  perSecond: number;
  /** CPU µs per delivery: this process (producer and worker) and redis-server. */
  workerCpuUs: number;
  redisCpuUs: number;
}

const QUEUE = 'bench-webhooks';
const ADD_CHUNK = 1_000;

export async function bullmqPeer(options: {
  redisUrl: string;
  receiverUrl: string;
  jobs: readonly PeerJob[];
  secret: string;
  concurrency: number;
}): Promise<BullmqResult> {
  const raw = createClient({ url: options.redisUrl });
  await raw.connect();
  const redisPid = Number(/process_id:(\d+)/.exec(await raw.info('server'))?.[1]);
  const connection = createNodeRedisClient(raw);
  const queue = new Queue(QUEUE, { connection });
  const agent = new Agent({ connections: 256 });
  const origin = new URL(options.receiverUrl).origin;
  let completed = 0;
  let done!: () => void;
  const allDone = new Promise<void>((resolve) => (done = resolve));
  const worker = new Worker<{ id: string; path: string; body: string }>(
    QUEUE,
    async (job) => {
      const { id, path, body } = job.data;
      const status = await dispatchPost(
        agent,
        origin,
        path,
        {
          'content-type': 'application/json',
          ...webhookHeaders([options.secret], id, Math.floor(Date.now() / 1000), body),
        },
        body,
      );
      if (status < 200 || status >= 300) throw new Error(`receiver answered ${status}`);
    },
    { connection, concurrency: options.concurrency },
  );
  worker.on('completed', () => {
    if (++completed === options.jobs.length) done();
  });
  await worker.waitUntilReady();
  const cpuBefore = process.cpuUsage();
  const redisBefore = cpuMicros(redisPid);
  const started = performance.now();
  for (let i = 0; i < options.jobs.length; i += ADD_CHUNK) {
    await queue.addBulk(
      options.jobs.slice(i, i + ADD_CHUNK).map((j) => ({
        name: 'webhook',
        data: j,
        opts: { jobId: j.id, attempts: 10, backoff: { type: 'exponential', delay: 5_000 } },
      })),
    );
  }
  await allDone;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const redisCpu = cpuMicros(redisPid) - redisBefore;
  await worker.close();
  await queue.close();
  await agent.close();
  await raw.quit().catch(() => {});
  const n = options.jobs.length;
  return {
    perSecond: n / seconds,
    workerCpuUs: (cpu.user + cpu.system) / n,
    redisCpuUs: redisCpu / n,
  };
}
