/**
 * @module `npm run bench:backtest` — an SMA(20/50) crossover over 1M one-minute bars with full
 * accounting (mark-to-market equity every bar, trade list, metrics). The headline is **the server's
 * path**: the run sent to a sandbox process of the pool (StrategyProcesses, as `POST /backtests`
 * and research trials do: the feed named by its hash and kept in the process once sent, a fresh
 * isolate reading it in place, the result back with its trades as columns and the equity curve cut
 * to the chart's 2,000 points in the isolate, as the backtest queue asks). Its timed runs find the
 * feed in the process, as a research trial or a second backtest over the same candles does; a
 * second row sends every run a feed the process has not seen (other candles of the same size, into
 * memory the process touched before: `send_ms_per_feed`), and the very first run of a process pays
 * fresh memory (`first_send_ms`). Naming a feed (SHA-256 of its columns) happens once, where it is
 * loaded (`hash_ms`). Beside them: the same request to an isolate on the bench's own thread (what
 * the process boundary adds is the difference: `ipc_ms_per_run`), the engine on the host thread
 * (the ratio's base), and grademark
 * 0.3.0 with the same rules — trades and final equity checked equal. grademark runs twice: as its
 * README builds a strategy (data-forge indicators and a lookback window, the like-for-like peer)
 * and its bare loop on precomputed indicators (its best case). Then walk-forward runs per second
 * over a pool of worker threads.
 *
 * Sizes: BENCH_BARS (default 1,000,000), BENCH_REPS (default 5 timed runs each for the process,
 * the thread and the host, after one warm-up; the median is reported; grademark runs once each
 * way). The process and the host, the ratio's two sides, run in turns (one each per round): the
 * ratio is the median of the rounds' ratios, so a load that drifts over seconds meets both alike. The last line is `RESULT {json}`; its `cpu_*` fields are the same figures in CPU time (the
 * process path counts the sandbox process's CPU too, read from /proc), and `load_average` the
 * 1-minute load at the end (the machine is shared: see the README).
 * Targets: ≥ 5M bars/s through the sandbox process, ≥ 30× grademark, process ≤ 1.5× host.
 */
import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { processCpuMs } from '@tickline/sandbox';
import {
  compileStrategy,
  EQUITY_POINTS,
  createWorkerPool,
  feedKey,
  evaluateTrustedStrategy,
  grademarkBars,
  randomWalkFeed,
  resolveBacktestSettings,
  runBacktest,
  runGrademarkSmaCross,
  shareFeeds,
  SMA_CROSS_SOURCE,
  StrategyProcesses,
  StrategySandbox,
  walkForward,
} from '@tickline/strategy/internal';
import type { Feed, GrademarkRun } from '@tickline/strategy/internal';
import { plainBars, runGrademarkDocumented } from './grademark-documented.ts';
import { envInt, percentile, printResult, printTable, progress, round } from '../lib/report.ts';

const bars = envInt('BENCH_BARS', 1_000_000);
const reps = envInt('BENCH_REPS', 5);
const CAPITAL = 10_000;

progress(`building ${bars} one-minute bars in shared memory`);
// Columns in shared memory, as the backtest service loads them from SQL (loadFeed): the isolate
// reads them in place instead of receiving a copy per run. Host and sandbox run on the same feed.
const [feed] = shareFeeds([randomWalkFeed('BTC-USDT', '1m', 60_000, bars, 1)]) as [Feed];
// Named where it is loaded (loadFeed does it), outside the run's timing; timed here once.
const h0 = performance.now();
await feedKey(feed);
const hashMs = performance.now() - h0;
const settings = resolveBacktestSettings({ startingCapital: CAPITAL, takerFee: 0, makerFee: 0 });
const { js } = await compileStrategy(SMA_CROSS_SOURCE);

/** Pids of this process's children (the sandbox processes), from /proc. */
async function childPids(): Promise<number[]> {
  const tasks = await readdir('/proc/self/task').catch(() => [] as string[]);
  const lists = await Promise.all(
    tasks.map((t) => readFile(`/proc/self/task/${t}/children`, 'utf8').catch(() => '')),
  );
  return lists.flatMap((l) => l.split(' ').filter((p) => p !== '').map(Number));
}

/** CPU time of this process (every thread: the isolate's, the main one) and of its children, in ms. */
async function cpuMs(): Promise<number> {
  const u = process.cpuUsage();
  const children = await Promise.all((await childPids()).map((pid) => processCpuMs(pid)));
  return (u.user + u.system) / 1000 + children.reduce<number>((sum, ms) => sum + (ms ?? 0), 0);
}

/**
 * Median wall time, and median process CPU time: on the shared machine wall time mostly measures
 * how long the run waited for a core, CPU time what it used.
 */
async function timed<T>(
  label: string,
  n: number,
  fn: () => Promise<T> | T,
): Promise<{ ms: number; cpuMs: number; last: T }> {
  const samples: number[] = [];
  const cpu: number[] = [];
  let last!: T;
  for (let i = 0; i <= n; i++) {
    const c0 = await cpuMs();
    const t0 = performance.now();
    last = await fn();
    const ms = performance.now() - t0;
    const used = (await cpuMs()) - c0;
    if (i > 0 || n === 0) {
      samples.push(ms);
      cpu.push(used);
    }
    progress(`${label} ${i === 0 && n > 0 ? 'warm-up' : `run ${i}`}: ${ms.toFixed(0)} ms (CPU ${used.toFixed(0)} ms)`);
  }
  return { ms: percentile(samples, 50), cpuMs: percentile(cpu, 50), last };
}

interface Timed<T> {
  ms: number;
  cpuMs: number;
  last: T;
}

/** One timed call: wall ms, CPU ms (this process and its children), its value. */
async function once<T>(fn: () => Promise<T> | T): Promise<{ ms: number; cpuMs: number; value: T }> {
  const c0 = await cpuMs();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  return { ms, cpuMs: (await cpuMs()) - c0, value };
}

/**
 * Two ways timed in turns — a warm-up of each, then `n` rounds of one run each — so both see the
 * same moments of a shared machine, whose load drifts over seconds (the host row alone varied
 * 1.7× between runs measured one after the other). Medians of each, and the median of the rounds'
 * ratios a/b.
 */
async function paired<A, B>(
  a: [string, () => Promise<A> | A],
  b: [string, () => Promise<B> | B],
  n: number,
): Promise<{ a: Timed<A>; b: Timed<B>; ratio: number }> {
  const wa: number[] = [];
  const ca: number[] = [];
  const wb: number[] = [];
  const cb: number[] = [];
  const ratios: number[] = [];
  let lastA!: A;
  let lastB!: B;
  for (let i = 0; i <= n; i++) {
    const ra = await once(a[1]);
    const rb = await once(b[1]);
    lastA = ra.value;
    lastB = rb.value;
    const round = i === 0 ? 'warm-up' : `round ${i}`;
    progress(`${a[0]} ${round}: ${ra.ms.toFixed(0)} ms (CPU ${ra.cpuMs.toFixed(0)} ms); ${b[0]}: ${rb.ms.toFixed(0)} ms (CPU ${rb.cpuMs.toFixed(0)} ms)`);
    if (i === 0) continue;
    wa.push(ra.ms);
    ca.push(ra.cpuMs);
    wb.push(rb.ms);
    cb.push(rb.cpuMs);
    ratios.push(ra.ms / rb.ms);
  }
  return {
    a: { ms: percentile(wa, 50), cpuMs: percentile(ca, 50), last: lastA },
    b: { ms: percentile(wb, 50), cpuMs: percentile(cb, 50), last: lastB },
    ratio: percentile(ratios, 50),
  };
}

// What the backtest queue asks of a run: the chart's points of the equity curve (the metrics use
// every bar, in the isolate).
const request = { code: js, feeds: [feed], settings, equityPoints: EQUITY_POINTS };
const limits = { memoryMb: 1024, cpuMs: 120_000, maxResultBytes: 64 * 1024 * 1024 };
progress('starting a sandbox process (the server path)');
const processes = new StrategyProcesses({ backtestProcesses: 1, compileProcesses: 1 });
await processes.start();
await processes.ready();
// Each run names the feed, creates its isolate in the process (as the service does), hardens it,
// loads the strategy, runs the bar loop and brings the result back — all inside the timing. The
// warm-up run sends the feed into fresh memory of the process.
const f0 = performance.now();
await processes.run(request, limits);
const firstMs = performance.now() - f0;
const definition = evaluateTrustedStrategy(js);
// The ratio's two sides in turns (see paired): the sandbox process's run and the host's.
const sides = await paired(
  ['sandbox process, feed held', () => processes.run(request, limits)],
  ['host', () => runBacktest(definition, [feed], settings)],
  reps,
);
const inProcess = sides.a;
const onHost = sides.b;
await processes.stop();
// Other candles of the same size each run: the feed goes to the process every time, into the
// memory the last one used (a cache of one feed). Named beforehand, as loadFeed names them.
const others = shareFeeds(Array.from({ length: reps + 1 }, (_, i) => randomWalkFeed('BTC-USDT', '1m', 60_000, bars, 100 + i)));
await Promise.all(others.map((f) => feedKey(f)));
const oneFeed = new StrategyProcesses({ backtestProcesses: 1, compileProcesses: 1, feedCacheMb: Math.ceil((bars * 56 * 1.07) / 1024 / 1024) });
await oneFeed.start();
await oneFeed.ready();
let next = 0;
const newFeeds = await timed('sandbox process, a new feed each run', reps, () =>
  oneFeed.run({ ...request, feeds: [others[next++]!] }, limits),
);
await oneFeed.stop();
const sandbox = new StrategySandbox(limits);
const inThread = await timed('sandbox on this thread', reps, () => sandbox.run(request));
sandbox.dispose();
progress('grademark, as its README builds a strategy: DataFrame, data-forge-indicators, lookback (slow)');
const plain = plainBars(feed);
const peer = await timed('grademark', 0, () => runGrademarkDocumented(plain, 20, 50, CAPITAL));
progress('grademark, best case: indicators precomputed by our kernels (not timed), backtest() + analyze()');
const gBars = grademarkBars(feed, 20, 50);
const peerCore = await timed('grademark core', 0, () => runGrademarkSmaCross(gBars, CAPITAL));

const sbTrades = inProcess.last.trades;
const hostTrades = onHost.last.trades;
/** Same trades, entry for entry, and the same final equity to 1e-9 as a grademark run. */
function agrees(run: GrademarkRun): boolean {
  const same =
    sbTrades.length === run.trades.length &&
    hostTrades.length === sbTrades.length &&
    sbTrades.every((t, i) => {
      const g = run.trades[i]!;
      return t.entryTime === g.entryTime.getTime() && t.entryPrice === g.entryPrice && t.exitPrice === g.exitPrice;
    });
  return same && Math.abs(inProcess.last.metrics.finalEquity / run.finalCapital - 1) <= 1e-9;
}
const sameTrades =
  agrees(peer.last) &&
  agrees(peerCore.last) &&
  inThread.last.trades.length === sbTrades.length &&
  inThread.last.metrics.finalEquity === inProcess.last.metrics.finalEquity;
const equityDiff = Math.abs(inProcess.last.metrics.finalEquity / peer.last.finalCapital - 1);

progress('walk-forward: 12-combination grid, 200k in-sample / 50k out-of-sample windows, worker pool');
const workers = availableParallelism();
const pool = createWorkerPool({ size: workers, limits: { memoryMb: 512, cpuMs: 120_000 } });
const wfoJob = { code: js, feeds: [feed], settings };
const wfoOptions = {
  grid: { fast: [5, 10, 20, 30], slow: [50, 100, 200] },
  inSampleBars: Math.floor(bars / 5),
  outSampleBars: Math.floor(bars / 20),
};
const wfo = await timed('walk-forward', 0, () => walkForward(pool, wfoJob, wfoOptions));
await pool.close();

const barsPerS = bars / (inProcess.ms / 1000);
const threadBarsPerS = bars / (inThread.ms / 1000);
const hostBarsPerS = bars / (onHost.ms / 1000);
const grademarkBarsPerS = bars / (peer.ms / 1000);
const grademarkCoreBarsPerS = bars / (peerCore.ms / 1000);
const result = {
  bars,
  path: 'sandbox process',
  bars_per_s: Math.round(barsPerS),
  // The median of the rounds' ratios, sandbox process over host, timed in turns.
  sandbox_overhead_ratio: round(sides.ratio, 2),
  ipc_ms_per_run: round(inProcess.ms - inThread.ms, 0),
  new_feed_bars_per_s: Math.round(bars / (newFeeds.ms / 1000)),
  new_feed_overhead_ratio: round(newFeeds.ms / onHost.ms, 2),
  send_ms_per_feed: round(newFeeds.ms - inProcess.ms, 0),
  first_send_ms: round(firstMs - inProcess.ms, 0),
  hash_ms: round(hashMs, 0),
  host_bars_per_s: Math.round(hostBarsPerS),
  grademark_bars_per_s: Math.round(grademarkBarsPerS),
  sandbox_vs_grademark: round(barsPerS / grademarkBarsPerS, 1),
  grademark_core_bars_per_s: Math.round(grademarkCoreBarsPerS),
  sandbox_vs_grademark_core: round(barsPerS / grademarkCoreBarsPerS, 1),
  thread_bars_per_s: Math.round(threadBarsPerS),
  thread_overhead_ratio: round(inThread.ms / onHost.ms, 2),
  cpu_bars_per_s: Math.round(bars / (inProcess.cpuMs / 1000)),
  thread_cpu_bars_per_s: Math.round(bars / (inThread.cpuMs / 1000)),
  host_cpu_bars_per_s: Math.round(bars / (onHost.cpuMs / 1000)),
  grademark_cpu_bars_per_s: Math.round(bars / (peer.cpuMs / 1000)),
  cpu_overhead_ratio: round(inProcess.cpuMs / onHost.cpuMs, 2),
  ipc_cpu_ms_per_run: round(inProcess.cpuMs - inThread.cpuMs, 0),
  load_average: round(loadavg()[0]!, 1),
  wfo_runs_per_s: round(wfo.last.runs / (wfo.ms / 1000), 1),
  wfo_runs: wfo.last.runs,
  wfo_bars_per_s: Math.round((wfo.last.runs * wfoOptions.inSampleBars) / (wfo.ms / 1000)),
  workers,
  trades: sbTrades.length,
  same_trades_as_grademark: sameTrades,
  final_equity_rel_diff: equityDiff,
};

console.log(`Backtest: SMA(20/50) crossover, ${bars} one-minute bars, full accounting; median of ${reps} runs after a warm-up`);
printTable([
  { engine: 'tickline, sandbox process (server path), feed held', ms: round(inProcess.ms, 0), 'bars/s': result.bars_per_s, trades: sbTrades.length, 'final equity': round(inProcess.last.metrics.finalEquity, 6) },
  { engine: 'tickline, sandbox process, a new feed each run', ms: round(newFeeds.ms, 0), 'bars/s': result.new_feed_bars_per_s, trades: newFeeds.last.trades.length, 'final equity': round(newFeeds.last.metrics.finalEquity, 6) },
  { engine: 'tickline, isolate on this thread', ms: round(inThread.ms, 0), 'bars/s': result.thread_bars_per_s, trades: inThread.last.trades.length, 'final equity': round(inThread.last.metrics.finalEquity, 6) },
  { engine: 'tickline, host thread', ms: round(onHost.ms, 0), 'bars/s': result.host_bars_per_s, trades: hostTrades.length, 'final equity': round(onHost.last.metrics.finalEquity, 6) },
  { engine: 'grademark 0.3.0, as documented', ms: round(peer.ms, 0), 'bars/s': result.grademark_bars_per_s, trades: peer.last.trades.length, 'final equity': round(peer.last.finalCapital, 6) },
  { engine: 'grademark 0.3.0, loop only', ms: round(peerCore.ms, 0), 'bars/s': result.grademark_core_bars_per_s, trades: peerCore.last.trades.length, 'final equity': round(peerCore.last.finalCapital, 6) },
]);
console.log(
  `process boundary: ${result.ipc_ms_per_run} ms per run with the feed held (wall), ${result.ipc_cpu_ms_per_run} ms CPU; ` +
    `${result.send_ms_per_feed} ms more to send a feed the process lacks, ${result.first_send_ms} ms into a fresh process's memory; ` +
    `naming the feed where it is loaded: ${result.hash_ms} ms`,
);
console.log(`walk-forward: ${wfo.last.runs} runs (${wfo.last.windows.length} windows) in ${round(wfo.ms, 0)} ms on ${workers} workers`);
if (!sameTrades) {
  progress('MISMATCH: the engine and grademark disagree');
  process.exitCode = 1;
}
printResult(result);
