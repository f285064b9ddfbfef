/**
 * @module `npm run bench:indicators` — ns per value of every Tickline indicator in batch and
 * streaming form, against `trading-signals` (streaming `add`, batch `updates`) and `indicatorts`
 * (batch functions), over one deterministic random walk, with outputs checked equal within 1e-9
 * on the overlapping definition (conventions that differ are named in the check table).
 *
 * Each timing runs in its own worker thread (a fresh isolate, see time-worker.ts); the checks
 * run here. Sizes: BENCH_VALUES (default 1,000,000 closes), BENCH_REPS (default 5 timed runs after one
 * warm-up; the median is reported), BENCH_SEED (default 1). The last line is `RESULT {json}`.
 */
import { Worker } from 'node:worker_threads';
import { envInt, printResult, printTable, progress, round } from '../lib/report.ts';
import { CASES } from './cases.ts';
import { maxRelativeError, TOLERANCE } from './check.ts';
import { makeData } from './data.ts';
import { PEERS, type Form } from './peers.ts';
import type { TimingJob } from './time-worker.ts';

const n = envInt('BENCH_VALUES', 1_000_000);
const reps = envInt('BENCH_REPS', 5);
const seed = envInt('BENCH_SEED', 1);

progress(`building ${n} OHLCV bars (seed ${seed})`);
const d = makeData(n, seed);

const checks: Array<Record<string, string | number>> = [];
let allChecksPass = true;
function record(name: string, against: string, from: number, err: number, note = ''): void {
  const ok = err <= TOLERANCE;
  allChecksPass &&= ok;
  checks.push({
    indicator: name,
    against,
    from,
    max_rel_err: err.toExponential(2),
    ok: ok ? 'yes' : 'NO',
    note,
  });
}

/** ns per value of one implementation, timed alone in a fresh worker (see time-worker.ts). */
function timeInWorker(job: Omit<TimingJob, 'n' | 'reps' | 'seed'>): Promise<number> {
  const worker = new Worker(new URL('./time-worker.ts', import.meta.url), {
    workerData: { ...job, n, reps, seed } satisfies TimingJob,
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (ns: number) => resolve(ns));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`timing worker exited with ${code}`)));
  });
}

const table: Array<Record<string, string | number>> = [];
const rows: Array<{ name: string; form: Form; ns: number; best_peer: string; best_peer_ns: number }> = [];
const start = Date.now();
const only = process.env.BENCH_ONLY?.split(',');
for (const c of CASES.filter((x) => only === undefined || only.includes(x.name))) {
  progress(`${c.name}: checking`);
  const batchOut = c.batch(d);
  const streamOut = batchOut.map(() => new Float64Array(n));
  c.stream(d, streamOut);
  record(c.name, 'tickline streaming', 0, maxRelativeError(batchOut, streamOut, 0));
  for (const p of c.peers) {
    if (p.form !== 'batch' && p.peer === 'trading-signals') continue; // same outputs as its batch
    const reference = p.reference ? p.reference(d) : batchOut;
    record(c.name, p.peer, p.from(d), maxRelativeError(reference, p.outputs(d), p.from(d)), p.note);
  }

  progress(`${c.name}: timing`);
  const ours: Record<Form, number> = {
    batch: await timeInWorker({ name: c.name, form: 'batch', who: 'tickline' }),
    streaming: await timeInWorker({ name: c.name, form: 'streaming', who: 'tickline' }),
  };
  for (const form of ['batch', 'streaming'] as const) {
    const peerNs: Record<string, number> = {};
    for (const p of c.peers.filter((x) => x.form === form))
      peerNs[p.peer] = await timeInWorker({ name: c.name, form, who: p.peer });
    const best = Object.entries(peerNs).sort((a, b) => a[1] - b[1])[0];
    const bestPeer = best?.[0] ?? 'none';
    const bestNs = best?.[1] ?? NaN;
    rows.push({
      name: c.name,
      form,
      ns: round(ours[form], 2),
      best_peer: bestPeer,
      best_peer_ns: round(bestNs, 2),
    });
    table.push({
      indicator: c.name,
      form,
      'tickline ns': round(ours[form], 2),
      ...Object.fromEntries(
        PEERS.map((peer) => [`${peer} ns`, peerNs[peer] === undefined ? '-' : round(peerNs[peer], 1)]),
      ),
      'best peer / ours': best === undefined ? '-' : `${round(bestNs / ours[form], 1)}x`,
    });
  }
}

console.log(`Indicators: ${n} bars, median of ${reps} runs after a warm-up, ns per value (lower is better)`);
printTable(table);
console.log('');
console.log(`Output checks (tolerance ${TOLERANCE}, relative where |value| > 1):`);
printTable(checks);
const faster = rows.filter((r) => r.ns < r.best_peer_ns).length;
progress(
  `done in ${round((Date.now() - start) / 1000, 1)} s; faster than the best peer in ${faster}/${rows.length} rows`,
);
printResult({ values: n, reps, checks_pass: allChecksPass, faster_rows: faster, rows });
