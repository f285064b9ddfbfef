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
 * The last line is `RESULT {json}` with webhooks_per_s, raw_posts_per_s, enqueue_to_delivery_p99_ms.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { webhookBody } from '@tickline/notify/internal';
import { startPostgres } from '@tickline/testing';
import { envInt, percentile, printResult, printTable, progress, round } from '../lib/report.ts';
import { startNotifyBench } from './pipeline.ts';
import { rawPosts } from './raw.ts';

const total = envInt('BENCH_NOTIFICATIONS', 100_000);
const rate = envInt('BENCH_RATE', 2_000);
const seconds = envInt('BENCH_SECONDS', 10);
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

progress('starting PostgreSQL');
const pg = await startPostgres();
let result: {
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  offered: number;
  rawPerSecond: number;
  paced: number;
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
    const rawPerSecond = await rawPosts(receiverUrl, bodies, ENDPOINTS, RAW_CONCURRENCY);
    await report();
    result = {
      perSecond,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
      offered,
      rawPerSecond,
      paced,
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
});
