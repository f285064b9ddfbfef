/**
 * @module `npm run bench:notify` — webhook notifications through the whole notify pipeline
 * (domain event → embedded log → matcher → notification.requested → log sender → signed Standard
 * Webhooks POST → notification, delivery and attempt rows in PostgreSQL → notification.delivered)
 * to a local receiver over 50 endpoints, against two peers in the same run.
 *
 * 1. Throughput: BENCH_NOTIFICATIONS (default 100,000) published at once; until the receiver has
 *    them all. The receiver verifies every signature, and the rows are counted afterwards: every
 *    delivery signed and recorded is checked, not assumed.
 * 2. Latency: BENCH_RATE (default 2,000) per second offered for BENCH_SECONDS (default 10):
 *    publish → receiver arrival of each notification.
 * 3. Peer: the same number of POSTs with raw undici, same bodies, same concurrency — through
 *    `dispatch` (the ratio's peer: the primitive the pipeline's client uses) and through `request()`.
 * 4. Peer: BullMQ on a real redis-server — a Worker with the same concurrency doing the same signed
 *    POST to the same receiver, BENCH_BULLMQ_JOBS (default 50,000) jobs added in bulk. Compared by
 *    deliveries per CPU-second: the sending process plus its store (PostgreSQL, Redis).
 * CPU per notification of each process over phase 1 (this one, the receiver, every PostgreSQL
 * process) and per POST over phase 3 is printed beside the rates: it says where the difference is.
 * 5. Floor: each piece of work a delivery requires, alone (floor.ts), and the best per CPU-second
 *    they allow together.
 * `BENCH_NOTIFY_PHASES` (default `throughput,latency,raw,bullmq`) runs fewer; `BENCH_NOTIFY_PROFILE`
 * names a directory for a CPU profile and PostgreSQL's statement counts of phase 1 (profile.ts).
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
import { bullmqPeer, type BullmqResult } from './bullmq-peer.ts';
import { measureFloor, type FloorResult } from './floor.ts';
import { startNotifyBench, type NotifyBench } from './pipeline.ts';
import { PROFILE_PG_SETTINGS, startPhaseProfile } from './profile.ts';
import { rawPosts } from './raw.ts';

const total = envInt('BENCH_NOTIFICATIONS', 100_000);
const rate = envInt('BENCH_RATE', 2_000);
const seconds = envInt('BENCH_SECONDS', 10);
const bullmqJobs = envInt('BENCH_BULLMQ_JOBS', Math.min(total, 50_000));
const phases = new Set((process.env.BENCH_NOTIFY_PHASES ?? 'throughput,latency,raw,bullmq,floor').split(','));
const ENDPOINTS = 50;
/** The dispatcher's default concurrency (notify.dispatch.concurrency): the peers get the same. */
const CONCURRENCY = 128;
/** The BullMQ peer's one endpoint secret (the pipeline's are generated per endpoint). */
const PEER_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** A directory for a CPU profile and PostgreSQL's statement counts of the throughput phase. */
const profileDir = process.env.BENCH_NOTIFY_PROFILE;

interface Report {
  count: number;
  verified: number;
  badSignatures: number;
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
const useSecrets = (secrets: Record<string, string>) => receiver.send({ type: 'secrets', secrets });
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
const NO_CPU: CpuReading = { self: Number.NaN, receiver: Number.NaN, postgres: Number.NaN };

interface Throughput {
  perSecond: number;
  cpu: CpuReading;
  verified: number;
  badSignatures: number;
  recorded: Awaited<ReturnType<NotifyBench['recorded']>>;
}

/** Phase 1: `total` notifications at once, until the receiver has them all. */
async function throughput(bench: NotifyBench): Promise<Throughput> {
  progress(`throughput: ${total.toLocaleString()} notifications over ${ENDPOINTS} endpoints`);
  const profile = profileDir ? await startPhaseProfile(profileDir, bench.databaseUrl) : undefined;
  const cpuBefore = readCpu();
  const started = now();
  for (let i = 0; i < total; i++) bench.emit(bench.users[i % ENDPOINTS]!, i);
  let received = 0;
  let verified = 0;
  let badSignatures = 0;
  let last = started;
  while (received < total) {
    await sleep(200);
    const r = await report();
    received += r.count;
    verified += r.verified;
    badSignatures += r.badSignatures;
    for (const [, at] of r.arrivals) last = Math.max(last, at);
    if (now() - started > 600_000) throw new Error(`only ${received} of ${total} delivered in 10 minutes`);
  }
  const perSecond = total / ((last - started) / 1000);
  // Every row is written before the log position moves; wait for that before reading the CPU.
  await bench.idle();
  const cpu = perItem(cpuBefore, readCpu(), total);
  await profile?.stop(total);
  progress(`throughput: ${Math.round(perSecond).toLocaleString()} webhooks/s`);
  return { perSecond, cpu, verified, badSignatures, recorded: await bench.recorded() };
}

/** Phase 2: `rate` per second for `seconds`; publish → arrival of each. */
async function latency(bench: NotifyBench) {
  progress(`latency: ${rate}/s offered for ${seconds} s`);
  const sentAt = new Map<string, number>();
  const offered = rate * seconds;
  const pacedStart = now();
  for (let sent = 0; sent < offered;) {
    const due = Math.min(offered, Math.floor(((now() - pacedStart) / 1000) * rate));
    for (; sent < due; sent++)
      sentAt.set(bench.emit(bench.users[sent % ENDPOINTS]!, total + sent, true)!, now());
    await sleep(10);
  }
  const latencies: number[] = [];
  let pacedLast = pacedStart;
  const deadline = now() + 120_000;
  while (latencies.length < offered && now() < deadline) {
    await sleep(200);
    for (const [id, at] of (await report()).arrivals) {
      const t = sentAt.get(id);
      if (t !== undefined) {
        latencies.push(at - t);
        sentAt.delete(id);
        pacedLast = Math.max(pacedLast, at);
      }
    }
  }
  if (latencies.length < offered) progress(`latency: only ${latencies.length} of ${offered} arrived`);
  latencies.sort((a, b) => a - b);
  return {
    paced: latencies.length / ((pacedLast - pacedStart) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
  };
}

const bodiesFor = (users: readonly string[]) =>
  Array.from({ length: total }, (_, i) =>
    webhookBody('standard', {
      id: `019a0000-0000-7000-8000-${String(i).padStart(12, '0')}`,
      userId: users[i % ENDPOINTS]!,
      kind: 'backtest.completed',
      severity: 'info',
      title: 'Backtest completed',
      body: 'The backtest of Momentum finished with a return of 1.23 %.',
      data: { backtestId: `bt-${i}` },
      createdAt: new Date().toISOString(),
      locale: 'en',
    }),
  );

/** Phase 4: the BullMQ peer on its own redis-server; the receiver checks its signatures too. */
async function bullmq(bodies: readonly string[]): Promise<BullmqResult & { verified: number }> {
  progress(
    `peer: BullMQ worker (concurrency ${CONCURRENCY}) on redis-server, ${bullmqJobs.toLocaleString()} jobs`,
  );
  useSecrets(Object.fromEntries(Array.from({ length: ENDPOINTS }, (_, i) => [`/hook/${i}`, PEER_SECRET])));
  await report();
  const redis = await startRedis();
  try {
    const result = await bullmqPeer({
      redisUrl: redis.url,
      receiverUrl,
      jobs: bodies.slice(0, bullmqJobs).map((body, i) => ({
        id: `019a0000-0000-7000-8000-${String(i).padStart(12, '0')}`,
        path: `/hook/${i % ENDPOINTS}`,
        body,
      })),
      secret: PEER_SECRET,
      concurrency: CONCURRENCY,
    });
    return { ...result, verified: (await report()).verified };
  } finally {
    await redis.cleanup();
  }
}

progress('starting PostgreSQL');
const pg = await startPostgres(profileDir ? { settings: PROFILE_PG_SETTINGS } : {});
const postmaster = Number(readFileSync(join(pg.dataDir, 'postmaster.pid'), 'latin1').split('\n')[0]);
let pipeline: Throughput | undefined;
let paced: Awaited<ReturnType<typeof latency>> | undefined;
let raw: { perSecond: number; cpu: CpuReading; requestPerSecond: number; requestCpu: CpuReading } | undefined;
let peer: (BullmqResult & { verified: number }) | undefined;
let floor: FloorResult | undefined;
try {
  const bench = await startNotifyBench(pg.url, receiverUrl, ENDPOINTS);
  try {
    useSecrets(bench.secrets);
    // Warm-up: connections, JIT, the endpoint cache.
    for (let i = 0; i < 500; i++) bench.emit(bench.users[i % ENDPOINTS]!, i);
    for (let got = 0; got < 500;) {
      await sleep(100);
      got += (await report()).count;
    }
    // The backends exist by now (the pool opened them in the warm-up).
    postgresPids = withChildren(postmaster);
    if (phases.has('throughput')) pipeline = await throughput(bench);
    if (phases.has('latency')) paced = await latency(bench);
    const bodies = bodiesFor(bench.users);
    if (phases.has('raw')) {
      useSecrets({});
      await report();
      progress(`peer: raw undici POST loop (request()), ${total.toLocaleString()} bodies`);
      let before = readCpu();
      const requestPerSecond = await rawPosts(receiverUrl, bodies, ENDPOINTS, CONCURRENCY, 'request');
      const requestCpu = perItem(before, readCpu(), total);
      await report();
      progress(`peer: raw undici POST loop (dispatch), ${total.toLocaleString()} bodies`);
      before = readCpu();
      const perSecond = await rawPosts(receiverUrl, bodies, ENDPOINTS, CONCURRENCY, 'dispatch');
      raw = { perSecond, cpu: perItem(before, readCpu(), total), requestPerSecond, requestCpu };
      await report();
    }
    if (phases.has('bullmq')) peer = await bullmq(bodies);
    if (phases.has('floor')) {
      progress(`floor: the log, the three rows and the signature alone, ${total.toLocaleString()} each`);
      // The floor only explains the figures above: a failure here must not lose them.
      floor = await measureFloor(pg.url, () => withChildren(postmaster), total).catch((error: unknown) => {
        progress(`floor: failed (${String(error)}); left out of the result`);
        return undefined;
      });
    }
  } finally {
    await bench.stop();
  }
} finally {
  await pg.cleanup();
  receiver.send({ type: 'stop' });
}

const cpu = pipeline?.cpu ?? NO_CPU;
const rawCpu = raw?.cpu ?? NO_CPU;
const ratio = (pipeline?.perSecond ?? Number.NaN) / (raw?.perSecond ?? Number.NaN);
// Deliveries per CPU-second of the sending side: the process and its store (not the receiver).
const pipelinePerCpuS = 1e6 / (cpu.self + cpu.postgres);
const bullmqPerCpuS = peer ? 1e6 / (peer.workerCpuUs + peer.redisCpuUs) : Number.NaN;
// The least a delivery can cost here: the domain event and its request each through the log, the
// three rows, the signature and the POST (the raw loop's client), PostgreSQL's share of the rows.
const floorProcessUs = floor ? 2 * floor.logUs + floor.sqlUs + floor.signUs + rawCpu.self : Number.NaN;
const floorPerCpuS = 1e6 / (floorProcessUs + (floor?.sqlPostgresUs ?? Number.NaN));
progress(
  `CPU per notification: pipeline ${round(cpu.self, 1)} µs, PostgreSQL ${round(cpu.postgres, 1)} µs, ` +
    `receiver ${round(cpu.receiver, 1)} µs; raw loop per POST: client ${round(rawCpu.self, 1)} µs, ` +
    `receiver ${round(rawCpu.receiver, 1)} µs`,
);
if (floor)
  progress(
    `floor per delivery: log ${round(floor.logUs, 1)} µs per event (×2), rows ${round(floor.sqlUs, 1)} µs + ` +
      `PostgreSQL ${round(floor.sqlPostgresUs, 1)} µs, signature ${round(floor.signUs, 1)} µs, POST ` +
      `${round(rawCpu.self, 1)} µs: ${Math.round(floorPerCpuS)} per CPU-s at best, ` +
      `${round(floorPerCpuS / bullmqPerCpuS, 2)}× BullMQ`,
  );
if (pipeline)
  progress(
    `signed and verified: ${pipeline.verified} of ${total} (${pipeline.badSignatures} bad); recorded: ` +
      `${pipeline.recorded.deliveries} delivered rows, ${pipeline.recorded.attempts} attempts, ` +
      `${pipeline.recorded.notifications} notifications (warm-up and throughput)`,
  );
printTable([
  {
    path: 'tickline notify: event → matcher → log sender → signed webhook → rows',
    'per s': Math.round(pipeline?.perSecond ?? Number.NaN),
    note: `${total} notifications, ${ENDPOINTS} endpoints; ${round(ratio, 2)}x raw`,
  },
  {
    path: `tickline notify paced @${rate}/s`,
    'per s': Math.round(paced?.paced ?? Number.NaN),
    note: `publish → received: p50 ${round(paced?.p50 ?? Number.NaN, 1)} ms, p99 ${round(paced?.p99 ?? Number.NaN, 1)} ms, max ${round(paced?.max ?? Number.NaN, 1)} ms`,
  },
  {
    path: `peer: raw undici POST loop (dispatch), same bodies, ${CONCURRENCY} in flight`,
    'per s': Math.round(raw?.perSecond ?? Number.NaN),
    note: `no log, no SQL, no signing; client ${round(rawCpu.self, 1)} µs per POST`,
  },
  {
    path: `peer: raw undici POST loop (request()), same bodies, ${CONCURRENCY} in flight`,
    'per s': Math.round(raw?.requestPerSecond ?? Number.NaN),
    note: `client ${round(raw?.requestCpu.self ?? Number.NaN, 1)} µs per POST`,
  },
  {
    path: `peer: BullMQ Worker, concurrency ${CONCURRENCY}, same signed POST`,
    'per s': Math.round(peer?.perSecond ?? Number.NaN),
    note: `${bullmqJobs} jobs; ${Math.round(bullmqPerCpuS)} per CPU-s (worker ${round(peer?.workerCpuUs ?? Number.NaN, 1)} µs + redis ${round(peer?.redisCpuUs ?? Number.NaN, 1)} µs) vs pipeline ${Math.round(pipelinePerCpuS)} per CPU-s`,
  },
]);
printResult({
  webhooks_per_s: Math.round(pipeline?.perSecond ?? Number.NaN),
  raw_posts_per_s: Math.round(raw?.perSecond ?? Number.NaN),
  ratio_to_raw: round(ratio, 3),
  enqueue_to_delivery_p50_ms: round(paced?.p50 ?? Number.NaN, 1),
  enqueue_to_delivery_p99_ms: round(paced?.p99 ?? Number.NaN, 1),
  enqueue_to_delivery_max_ms: round(paced?.max ?? Number.NaN, 1),
  offered_per_s: rate,
  notifications: total,
  endpoints: ENDPOINTS,
  load_average_1m: round(loadavg()[0]!, 1),
  cores: cpus().length,
  // Every delivery of phase 1 signed (verified by the receiver) and recorded (rows counted).
  signed_verified: pipeline?.verified ?? null,
  bad_signatures: pipeline?.badSignatures ?? null,
  delivered_rows: pipeline?.recorded.deliveries ?? null,
  attempt_rows: pipeline?.recorded.attempts ?? null,
  notification_rows: pipeline?.recorded.notifications ?? null,
  // CPU per item over each phase (/proc for the receiver and every PostgreSQL process).
  pipeline_cpu_us: round(cpu.self, 1),
  postgres_cpu_us: round(cpu.postgres, 1),
  receiver_cpu_us: round(cpu.receiver, 1),
  raw_client_cpu_us: round(rawCpu.self, 1),
  raw_receiver_cpu_us: round(rawCpu.receiver, 1),
  raw_request_posts_per_s: Math.round(raw?.requestPerSecond ?? Number.NaN),
  raw_request_client_cpu_us: round(raw?.requestCpu.self ?? Number.NaN, 1),
  bullmq_per_s: Math.round(peer?.perSecond ?? Number.NaN),
  bullmq_jobs: bullmqJobs,
  bullmq_signed_verified: peer?.verified ?? null,
  bullmq_worker_cpu_us: round(peer?.workerCpuUs ?? Number.NaN, 1),
  bullmq_redis_cpu_us: round(peer?.redisCpuUs ?? Number.NaN, 1),
  pipeline_per_cpu_s: Math.round(pipelinePerCpuS),
  bullmq_per_cpu_s: Math.round(bullmqPerCpuS),
  per_cpu_s_ratio_to_bullmq: round(pipelinePerCpuS / bullmqPerCpuS, 2),
  // Each required piece alone (floor.ts) and what they allow at best.
  floor_log_us_per_event: round(floor?.logUs ?? Number.NaN, 1),
  floor_rows_cpu_us: round(floor?.sqlUs ?? Number.NaN, 1),
  floor_rows_postgres_us: round(floor?.sqlPostgresUs ?? Number.NaN, 1),
  floor_sign_us: round(floor?.signUs ?? Number.NaN, 1),
  floor_process_us: round(floorProcessUs, 1),
  floor_per_cpu_s: Math.round(floorPerCpuS),
  floor_ratio_to_bullmq: round(floorPerCpuS / bullmqPerCpuS, 2),
});
