/**
 * @module The bare floor of a call into one of many isolates (a child of floor.ts): FLOOR_ISOLATES
 * isolates of FLOOR_HEAP_MB each hold a small function over a little state of their own, entered
 * once each per round — the way a live sandbox process enters each account's isolate once per
 * candle close. FLOOR_WAY picks how the call is made (the keys of `WAYS`). FLOOR_WARMUP_ROUNDS
 * rounds first (not measured), then FLOOR_ROUNDS rounds timed: the main thread's CPU, the whole
 * process's CPU (isolated-vm's timer and pool threads too) and wall time, per call. One way per
 * process, so no way inherits another's warm code or heap. Prints one JSON line.
 */
import ivm from 'isolated-vm';
import { envInt } from '../lib/report.ts';

const isolates = envInt('FLOOR_ISOLATES', 500);
const heapMb = envInt('FLOOR_HEAP_MB', 256);
const rounds = envInt('FLOOR_ROUNDS', 60);
const warmupRounds = envInt('FLOOR_WARMUP_ROUNDS', 10);
/** Objects each call allocates in its isolate (a step's garbage); 0 by default. */
const garbage = Number(process.env.FLOOR_GARBAGE ?? 0);
const way = process.env.FLOOR_WAY ?? 'sync';

const SOURCE = `
const state = new Float64Array(64);
let keep = 0;
function work(a) {
  let sum = 0;
  for (let i = 0; i < ${garbage}; i++) keep = { v: i * a, next: keep };
  for (let i = 0; i < state.length; i += 8) { state[i] += a; sum += state[i]; }
  return sum;
}
globalThis.step = (a, b, c, d) => work(a) + b + c + d;
globalThis.stepRows = (rows, from) => {
  const n = rows.length / 9;
  const out = new Float64Array(2 * n);
  for (let r = from; r < n; r++) out[2 * r] = work(rows[r * 9]);
  return out;
};
globalThis.stepArgs = (...numbers) => {
  let sum = 0;
  for (let r = 0; r < numbers.length; r += 9) sum += work(numbers[r]);
  return sum;
};
globalThis.stepRowsSum = (rows, from) => {
  let sum = 0;
  for (let r = from; r < rows.length / 9; r++) sum += work(rows[r * 9]);
  return sum;
};
globalThis.stepFixed = function (${Array.from({ length: 45 }, (_, i) => `a${i}`).join(', ')}) {
  return work(a0) + work(a9) + work(a18) + work(a27) + work(a36);
};
globalThis.stepReport = (report, a) => { report(work(a)); };
`;

interface Tenant {
  isolate: ivm.Isolate;
  step: ivm.Reference;
  stepRows: ivm.Reference;
  stepArgs: ivm.Reference;
  stepRowsSum: ivm.Reference;
  stepFixed: ivm.Reference;
  stepReport: ivm.Reference;
}

const tenants: Tenant[] = [];
for (let i = 0; i < isolates; i++) {
  const isolate = new ivm.Isolate({ memoryLimit: heapMb });
  const context = isolate.createContextSync();
  isolate.compileScriptSync(SOURCE).runSync(context);
  const get = (name: string): ivm.Reference => context.global.getSync(name, { reference: true });
  tenants.push({
    isolate,
    step: get('step'),
    stepRows: get('stepRows'),
    stepArgs: get('stepArgs'),
    stepRowsSum: get('stepRowsSum'),
    stepFixed: get('stepFixed'),
    stepReport: get('stepReport'),
  });
}

const GRID_MS = 250;
const onGrid = (ms: number) => {
  const now = performance.now();
  return Math.ceil((now + ms) / GRID_MS) * GRID_MS - Math.floor(now);
};

/** Five runs' rows, as a live step of an account with five runs sends them. */
const rows = new Float64Array(5 * 9).fill(1.5);
const args = Array.from(rows);
let sink = 0;
const reported = new ivm.Callback((v: number) => {
  sink += v;
});
const cpuOfThread = () => {
  const u = process.threadCpuUsage();
  return u.user + u.system;
};

type Way = (t: Tenant, round: number) => void | Promise<void>;
const WAYS: Record<string, Way> = {
  /** applySync, four numbers in, a number out, no timeout. */
  sync: (t, r) => {
    sink += t.step.applySync(undefined, [r, 1, 2, 3]) as number;
  },
  /** The same with a timeout of its own (a watchdog timer per call). */
  'sync-timeout': (t, r) => {
    sink += t.step.applySync(undefined, [r, 1, 2, 3], { timeout: 1_000 }) as number;
  },
  /** The same with timeouts ending on a shared 250 ms grid (what live-wire.ts `onGrid` does). */
  'sync-timeout-grid': (t, r) => {
    sink += t.step.applySync(undefined, [r, 1, 2, 3], { timeout: onGrid(1_000) }) as number;
  },
  /** No timeout, the thread's CPU read before and after (two getrusage calls). */
  'sync-getrusage': (t, r) => {
    const before = cpuOfThread();
    sink += t.step.applySync(undefined, [r, 1, 2, 3]) as number;
    sink += cpuOfThread() - before;
  },
  /** No timeout, the isolate's own CPU clock read before and after. */
  'sync-cputime': (t, r) => {
    const before = t.isolate.cpuTime;
    sink += t.step.applySync(undefined, [r, 1, 2, 3]) as number;
    sink += Number(t.isolate.cpuTime - before);
  },
  /** Five rows as a copied Float64Array argument, two numbers a row copied back. */
  'sync-rows-copy': (t) => {
    const out = t.stepRows.applySync(undefined, [rows, 0], {
      arguments: { copy: true },
      result: { copy: true },
    }) as Float64Array;
    sink += out[0]!;
  },
  /** Five rows as a copied Float64Array argument, one number back. */
  'sync-rows-in': (t) => {
    sink += t.stepRowsSum.applySync(undefined, [rows, 0], { arguments: { copy: true } }) as number;
  },
  /** Five rows as 45 arguments of a function that names them all (no rest parameter), one number back. */
  'sync-rows-fixed': (t) => {
    sink += t.stepFixed.applySync(undefined, args) as number;
  },
  /** Five rows through an ExternalCopy made per call. */
  'sync-rows-external': (t) => {
    const out = t.stepRows.applySync(undefined, [new ivm.ExternalCopy(rows).copyInto({ release: true }), 0], {
      result: { copy: true },
    }) as Float64Array;
    sink += out[0]!;
  },
  /** Five rows as 45 number arguments, one number back. */
  'sync-rows-args': (t) => {
    sink += t.stepArgs.applySync(undefined, args) as number;
  },
  /** The isolate answers through a host Callback instead of a return value. */
  'sync-callback': (t, r) => {
    t.stepReport.applySync(undefined, [reported, r]);
  },
  /** apply (async), awaited one call at a time. */
  async: async (t, r) => {
    sink += (await t.step.apply(undefined, [r, 1, 2, 3])) as number;
  },
};

const call = WAYS[way];
if (call === undefined) throw new Error(`FLOOR_WAY must be one of ${Object.keys(WAYS).join(', ')}`);
const oneRound = async (r: number) => {
  for (const t of tenants) await call(t, r);
};
for (let r = 0; r < warmupRounds; r++) await oneRound(r);
const process0 = process.cpuUsage();
const thread0 = cpuOfThread();
const wall0 = performance.now();
for (let r = 1; r <= rounds; r++) await oneRound(r);
const calls = rounds * tenants.length;
const processCpu = process.cpuUsage(process0);
console.log(
  JSON.stringify({
    way,
    isolates,
    heapMb,
    garbage,
    thread_us: (cpuOfThread() - thread0) / calls,
    process_us: (processCpu.user + processCpu.system) / calls,
    wall_us: ((performance.now() - wall0) * 1_000) / calls,
    rss_mb: Math.round(process.memoryUsage.rss() / 1024 / 1024),
    ok: sink !== 0,
  }),
);
for (const t of tenants) t.isolate.dispose();
