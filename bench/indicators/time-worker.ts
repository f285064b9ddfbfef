/**
 * @module One timing in a fresh V8 isolate. Run in one process, every case's calls feed the same
 * type feedback: `sma` had seen typed arrays and plain arrays (the checks, the ATR reference)
 * before its timing and measured 29 ns per value where it takes ~10 alone, and which side a
 * shared helper favoured depended on case order. A worker per timing gives each implementation
 * the JIT state it would have in a program that only runs it, and a heap holding only the input
 * shape it reads (a million candle objects made every full GC slow for whoever allocated).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CASES } from './cases.ts';
import { makeData } from './data.ts';
import { nsPerValue } from './measure.ts';
import type { Form, Peer } from './peers.ts';

/** What to time: our case or one peer, in one form. */
export interface TimingJob {
  name: string;
  form: Form;
  /** `tickline` or a peer's name. */
  who: 'tickline' | Peer;
  n: number;
  reps: number;
  seed: number;
}

const job = workerData as TimingJob;
const c = CASES.find((x) => x.name === job.name);
if (!c) throw new Error(`no case ${job.name}`);
const shapes = job.who === 'tickline' ? 'typed' : job.who === 'indicatorts' ? 'arrays' : 'all';
const d = makeData(job.n, job.seed, shapes);
let fn: () => number;
if (job.who === 'tickline') {
  fn = job.form === 'batch' ? () => c.batch(d)[0]![job.n - 1]! : () => c.stream(d);
} else {
  const peer = c.peers.find((p) => p.peer === job.who && p.form === job.form);
  if (!peer) throw new Error(`no ${job.who} ${job.form} for ${job.name}`);
  fn = () => peer.run(d);
}
parentPort!.postMessage(nsPerValue(fn, job.n, job.reps, 2));
