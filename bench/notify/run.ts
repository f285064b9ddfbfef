/**
 * @module `npm run bench:notify` — webhook notifications through the whole notify pipeline
 * (domain event → embedded log → matcher → notification.requested → enqueue into PostgreSQL →
 * dispatcher → signed Standard Webhooks POST → attempt log → notification.delivered) to a local
 * receiver over 50 endpoints, against a raw undici POST loop sending the same bodies, same run.
 *
 * 1. Throughput: BENCH_NOTIFICATIONS (default 100,000) published at once; until the receiver has
 *    them all.
 * 2. Latency: BENCH_RATE (default 2,000) per second offered for BENCH_SECONDS (default 10):
 *    publish → receiver arrival of each notification.
 * 3. Peer: the same number of POSTs with raw undici, same bodies, same concurrency.
 * 4. Peer: BullMQ on a real redis-server — a Worker with the same concurrency doing the same signed
 *    POST to the same receiver, BENCH_BULLMQ_JOBS (default 50,000) jobs added in bulk. Compared by
 *    deliveries per CPU-second: the sending process plus its store (PostgreSQL, Redis).
 * CPU per notification of each process over phase 1 (this one, the receiver, every PostgreSQL
 * process) and per POST over phase 3 is printed beside the rates: it says where the difference is.
 * The last line is `RESULT {json}` with webhooks_per_s, raw_posts_per_s, enqueue_to_delivery_p99_ms.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webhookBody } from '@tickline/notify/internal';
import { startPostgres, startRedis } from '@tickline/testing';
import { cpuMicros, sumCpuMicros, withChildren } from '../lib/proc-stat.ts';
import { envInt, percentile, printResult, printTable, progress, round } from '../lib/report.ts';
import { startNotifyBench } from './pipeline.ts';
import { bullmqPeer, type BullmqResult } from './bullmq-peer.ts';
import { rawPosts } from './raw.ts';

const total = envInt('BENCH_NOTIFICATIONS', 100_000);
const rate = envInt('BENCH_RATE', 2_000);
const seconds = envInt('BENCH_SECONDS', 10);
const bullmqJobs = envInt('BENCH_BULLMQ_JOBS', Math.min(total, 50_000));
const ENDPOINTS = 50;
/** The dispatcher's default concurrency (notify.dispatch.concurrency): the peer gets the same. */
const RAW_CONCURRENCY = 128;

interface Report {
  count: number;
  arrivals: Array<[string, number]>;
}

const receiver: ChildProcess = fork(fileURLToPath(new URL('./receiver.ts', import.meta.url)), {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const port = await new Promise<number>((resolve) =>
  receiver.once('message', (m: { port: number }) => resolve(m.port)),
);
const receiverUrl = `http://127.0.0.1:${port}`;
const report = () =>
  new Promise<Report>((resolve) => {
    receiver.once('message', (m: Report) => resolve(m));
    receiver.send({ type: 'report' });
  });
const now = () => performance.timeOrigin + performance.now();

/** CPU µs so far of this process (the pipeline, or the raw client), the receiver and PostgreSQL. */
interface CpuReading {
  self: number;
  receiver: number;
  postgres: number;
}
let postgresPids: number[] = [];
const readCpu = (): CpuReading => {
  const own = process.cpuUsage();
  return {
    self: own.user + own.system,
    receiver: cpuMicros(receiver.pid!),
    postgres: sumCpuMicros(postgresPids),
  };
};
/** CPU µs per item between two readings. */
const perItem = (a: CpuReading, b: CpuReading, n: number) => ({
  self: (b.self - a.self) / n,
  receiver: (b.receiver - a.receiver) / n,
  postgres: (b.postgres - a.postgres) / n,
});

progress('starting PostgreSQL');
const pg = await startPostgres();
const postmaster = Number(readFileSync(join(pg.dataDir, 'postmaster.pid'), 'latin1').split('\n')[0]);
let result: {
  cpu: CpuReading;
  rawCpu: CpuReading;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  offered: number;
  rawPerSecond: number;
  paced: number;
  bullmq: BullmqResult;
};
try {
  const bench = await startNotifyBench(pg.url, receiverUrl, ENDPOINTS);
  try {
    // Warm-up: connections, JIT, the endpoint cache.
    for (let i = 0; i < 500; i++) bench.emit(bench.users[i % ENDPOINTS]!, i);
    for (let got = 0; got < 500;) {
      await new Promise((r) => setTimeout(r, 100));
      got += (await report()).count;
    }

    progress(`throughput: ${total.toLocaleString()} notifications over ${ENDPOINTS} endpoints`);
    // The backends exist by now (the pool opened them in the warm-up).
    postgresPids = withChildren(postmaster);
    const cpuBefore = readCpu();
    const started = now();
    for (let i = 0; i < total; i++) bench.emit(bench.users[i % ENDPOINTS]!, i);
    let received = 0;
    let last = started;
    while (received < total) {
      await new Promise((r) => setTimeout(r, 200));
      const r = await report();
      received += r.count;
      for (const [, at] of r.arrivals) last = Math.max(last, at);
      if (now() - started > 600_000) throw new Error(`only ${received} of ${total} delivered in 10 minutes`);
    }
    const perSecond = total / ((last - started) / 1000);
    const cpu = perItem(cpuBefore, readCpu(), total);
    progress(`throughput: ${Math.round(perSecond).toLocaleString()} webhooks/s`);

    progress(`latency: ${rate}/s offered for ${seconds} s`);
    const sentAt = new Map<string, number>();
    const offered = rate * seconds;
    const pacedStart = now();
    const tickMs = 10;
    for (let sent = 0; sent < offered;) {
      const due = Math.min(offered, Math.floor(((now() - pacedStart) / 1000) * rate));
      for (; sent < due; sent++) sentAt.set(bench.emit(bench.users[sent % ENDPOINTS]!, total + sent), now());
      await new Promise((r) => setTimeout(r, tickMs));
    }
    const latencies: number[] = [];
    let pacedLast = pacedStart;
    const deadline = now() + 120_000;
    while (latencies.length < offered && now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      for (const [id, at] of (await report()).arrivals) {
        const t = sentAt.get(id);
        if (t !== undefined) {
          latencies.push(at - t);
          sentAt.delete(id);
          pacedLast = Math.max(pacedLast, at);
        }
      }
    }
    latencies.sort((a, b) => a - b);
    const paced = latencies.length / ((pacedLast - pacedStart) / 1000);

    progress(`peer: raw undici POST loop, ${total.toLocaleString()} bodies`);
    const bodies = Array.from({ length: total }, (_, i) =>
      webhookBody('standard', {
        id: `019a0000-0000-7000-8000-${String(i).padStart(12, '0')}`,
        userId: bench.users[i % ENDPOINTS]!,
        kind: 'backtest.completed',
        severity: 'info',
        title: 'Backtest completed',
        body: 'The backtest of Momentum finished with a return of 1.23 %.',
        data: { backtestId: `bt-${i}` },
        createdAt: new Date().toISOString(),
        locale: 'en',
      }),
    );
    const rawBefore = readCpu();
    const rawPerSecond = await rawPosts(receiverUrl, bodies, ENDPOINTS, RAW_CONCURRENCY);
    const rawCpu = perItem(rawBefore, readCpu(), total);
    await report();

    progress(
      `peer: BullMQ worker (concurrency ${RAW_CONCURRENCY}) on redis-server, ${bullmqJobs.toLocaleString()} jobs`,
    );
    const redis = await startRedis();
    let bullmq: BullmqResult;
    try {
      bullmq = await bullmqPeer({
        redisUrl: redis.url,
        receiverUrl,
        jobs: bodies.slice(0, bullmqJobs).map((body, i) => ({
          id: `019a0000-0000-7000-8000-${String(i).padStart(12, '0')}`,
          path: `/hook/${i % ENDPOINTS}`,
          body,
        })),
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        concurrency: RAW_CONCURRENCY,
      });
    } finally {
      await redis.cleanup();
    }
    await report();
    result = {
      cpu,
      rawCpu,
      perSecond,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
      offered,
      rawPerSecond,
      paced,
      bullmq,
    };
    if (latencies.length < offered) progress(`latency: only ${latencies.length} of ${offered} arrived`);
  } finally {
    await bench.stop();
  }
} finally {
  await pg.cleanup();
  receiver.send({ type: 'stop' });
}

const ratio = result.perSecond / result.rawPerSecond;
const { cpu, rawCpu } = result;
const cpuTotal = cpu.self + cpu.receiver + cpu.postgres;
const rawCpuTotal = rawCpu.self + rawCpu.receiver;
// Deliveries per CPU-second of the sending side: the process and its store (not the receiver).
const pipelinePerCpuS = 1e6 / (cpu.self + cpu.postgres);
const bullmqPerCpuS = 1e6 / (result.bullmq.workerCpuUs + result.bullmq.redisCpuUs);
progress(
  `CPU per notification: pipeline ${round(cpu.self, 1)} µs, PostgreSQL ${round(cpu.postgres, 1)} µs, ` +
    `receiver ${round(cpu.receiver, 1)} µs (${round(cpuTotal, 1)} µs); raw loop per POST: client ` +
    `${round(rawCpu.self, 1)} µs, receiver ${round(rawCpu.receiver, 1)} µs (${round(rawCpuTotal, 1)} µs)`,
);
printTable([
  {
    path: 'tickline notify: event → matcher → SQL queue → signed webhook',
    'per s': Math.round(result.perSecond),
    note: `${total} notifications, ${ENDPOINTS} endpoints; ${round(ratio, 2)}x raw`,
  },
  {
    path: `tickline notify paced @${rate}/s`,
    'per s': Math.round(result.paced),
    note: `publish → received: p50 ${round(result.p50, 1)} ms, p99 ${round(result.p99, 1)} ms, max ${round(result.max, 1)} ms`,
  },
  {
    path: 'peer: raw undici POST loop, same bodies, 128 in flight',
    'per s': Math.round(result.rawPerSecond),
    note: 'no log, no SQL, no signing',
  },
  {
    path: 'peer: BullMQ Worker, concurrency 128, same signed POST',
    'per s': Math.round(result.bullmq.perSecond),
    note: `${bullmqJobs} jobs; ${Math.round(bullmqPerCpuS)} per CPU-s (worker ${round(result.bullmq.workerCpuUs, 1)} µs + redis ${round(result.bullmq.redisCpuUs, 1)} µs) vs pipeline ${Math.round(pipelinePerCpuS)} per CPU-s`,
  },
]);
printResult({
  webhooks_per_s: Math.round(result.perSecond),
  raw_posts_per_s: Math.round(result.rawPerSecond),
  ratio_to_raw: round(ratio, 3),
  enqueue_to_delivery_p50_ms: round(result.p50, 1),
  enqueue_to_delivery_p99_ms: round(result.p99, 1),
  enqueue_to_delivery_max_ms: round(result.max, 1),
  offered_per_s: rate,
  notifications: total,
  endpoints: ENDPOINTS,
  load_average_1m: round(loadavg()[0]!, 1),
  cores: cpus().length,
  // CPU per item over each phase (/proc for the receiver and every PostgreSQL process).
  pipeline_cpu_us: round(cpu.self, 1),
  postgres_cpu_us: round(cpu.postgres, 1),
  receiver_cpu_us: round(cpu.receiver, 1),
  raw_client_cpu_us: round(rawCpu.self, 1),
  raw_receiver_cpu_us: round(rawCpu.receiver, 1),
  bullmq_per_s: Math.round(result.bullmq.perSecond),
  bullmq_jobs: bullmqJobs,
  bullmq_worker_cpu_us: round(result.bullmq.workerCpuUs, 1),
  bullmq_redis_cpu_us: round(result.bullmq.redisCpuUs, 1),
  pipeline_per_cpu_s: Math.round(pipelinePerCpuS),
  bullmq_per_cpu_s: Math.round(bullmqPerCpuS),
  per_cpu_s_ratio_to_bullmq: round(pipelinePerCpuS / bullmqPerCpuS, 2),
});
