/**
 * @module `npm run bench:research` — a walk-forward research job at the issue's size: 10 folds ×
 * 100 parameter sets (an SMA crossover, fast 5–50 × slow 60–240) over 1M one-minute bars, then
 * the same grid over the whole range for the overfitting measures (deflated Sharpe, PBO), as
 * `runResearch` does for the research queue: every trial in its own isolate in the sandbox
 * processes (StrategyProcesses, one process per core, as many trials in flight). The feed goes to
 * each process once; trials name it and their window. Beside it, grademark 0.3.0's own
 * `walkForwardOptimize` with the same grid and the same 10 folds on a 1 % slice of the bars (it
 * builds a data-forge frame and its indicators per trial; at full size it would run for hours).
 * Both are compared in bar steps a second: every trial's bars plus every out-of-sample run's (the
 * walk-forward part alone for grademark, which has no whole-range search).
 *
 * Sizes: BENCH_BARS (default 1,000,000), BENCH_SLICE (grademark's bars, default 1 % of them),
 * BENCH_PROCESSES (default: the cores); BENCH_BATCH=0 runs every trial as a call of its own (as
 * before batches). The last line is `RESULT {json}` with `trials`, `bar_steps_per_s`, `wall_s`,
 * the peak resident memory of this process and its sandbox processes together (`peak_rss_mb`,
 * sampled every 250 ms; `peak_rss_parent_mb` and `peak_rss_sandbox_mb`, the largest child, apart),
 * the best parameter sets (to compare runs) and grademark's figures.
 * Target (issue 50): under 60 s on 2 cores, peak RSS ≤ 1 GB.
 */
import 'data-forge-indicators';
import { availableParallelism, loadavg } from 'node:os';
import { DataFrame } from 'data-forge';
import type { ISeries } from 'data-forge';
import { analyze, walkForwardOptimize } from 'grademark';
import type { IBar, IParameterDef, IStrategy, ITrade } from 'grademark';
import {
  compileStrategy,
  createSandboxExecutor,
  feedKey,
  randomWalkFeed,
  resolveBacktestSettings,
  runResearch,
  SMA_CROSS_SOURCE,
  StrategyProcesses,
} from '@tickline/strategy/internal';
import { plainBars } from '../backtest/grademark-documented.ts';
import { rssBytes, sumCpuMicros, withChildren } from '../lib/proc-stat.ts';
import { envInt, printResult, printTable, progress, round } from '../lib/report.ts';

const bars = envInt('BENCH_BARS', 1_000_000);
const sliceBars = envInt('BENCH_SLICE', Math.max(1_000, Math.floor(bars / 100)));
const processCount = envInt('BENCH_PROCESSES', availableParallelism());
const batches = envInt('BENCH_BATCH', 1) !== 0;
const FOLDS = 10;
const FAST = { startingValue: 5, endingValue: 50, stepSize: 5 };
const SLOW = { startingValue: 60, endingValue: 240, stepSize: 20 };
const values = (d: typeof FAST): number[] =>
  Array.from({ length: Math.floor((d.endingValue - d.startingValue) / d.stepSize) + 1 }, (_, i) => d.startingValue + i * d.stepSize);
const grid = { fast: values(FAST), slow: values(SLOW) };
const sets = grid.fast.length * grid.slow.length;

/** Windows giving FOLDS folds over `n` bars: in-sample 2.5 × out-of-sample, stepping by the latter. */
function windows(n: number): { inSampleBars: number; outSampleBars: number } {
  const outSampleBars = Math.floor(n / (FOLDS + 2.5));
  return { inSampleBars: Math.floor(outSampleBars * 2.5), outSampleBars };
}
const stepsOf = (w: { inSampleBars: number; outSampleBars: number }): number =>
  FOLDS * (sets * w.inSampleBars + w.outSampleBars);

progress(`building ${bars} one-minute bars in shared memory`);
const feed = randomWalkFeed('BTC-USDT', '1m', 60_000, bars, 1, undefined, undefined, true);
// Named as loadFeed names what it loads (outside the timing; printed).
const h0 = performance.now();
await feedKey(feed);
const hashMs = performance.now() - h0;
const settings = resolveBacktestSettings({ startingCapital: 10_000, takerFee: 0, makerFee: 0 });
const { js } = await compileStrategy(SMA_CROSS_SOURCE);

progress(`starting ${processCount} sandbox processes`);
const processes = new StrategyProcesses({ backtestProcesses: processCount, compileProcesses: 1 });
await processes.start();
await processes.ready();
const executor = createSandboxExecutor({
  limits: { memoryMb: 512, cpuMs: 120_000 },
  concurrency: processCount,
  run: processes.run.bind(processes),
  ...(batches ? { runTrials: processes.runTrials.bind(processes) } : {}),
});
/**
 * Resident memory of this process and its children (the sandbox processes, the compile one too),
 * summed, at its highest so far (every 250 ms); the parent's and the largest child's apart.
 */
const peak = { total: 0, parent: 0, sandbox: 0 };
// Listed again every 5 s or when one has gone (a replaced process), not at every sample: scanning
// all of /proc every 250 ms made garbage and CPU in the process whose memory and CPU are measured.
let sampled = withChildren(process.pid);
let samples = 0;
const sampleRss = (): void => {
  let total = 0;
  let gone = false;
  for (const pid of sampled) {
    try {
      const rss = rssBytes(pid);
      total += rss;
      if (pid !== process.pid) peak.sandbox = Math.max(peak.sandbox, rss);
    } catch {
      gone = true;
    }
  }
  if (gone || ++samples % 20 === 0) sampled = withChildren(process.pid);
  peak.total = Math.max(peak.total, total);
  peak.parent = Math.max(peak.parent, process.memoryUsage.rss());
};
const sampler = setInterval(sampleRss, 250);
const w = windows(bars);
const wfRuns = FOLDS * (sets + 1);
/** Where the walk-forward part ends in the job's progress (runResearch's phases). */
const wfShare = wfRuns / (wfRuns + sets);
let lastShown = 0;
let wfEnd = 0;
const cpu0 = process.cpuUsage();
// The sandbox processes' CPU, read from /proc: on a shared machine wall time mostly says how long
// the (niced) sandbox processes waited for a core, CPU time what the job took.
const sandboxPids = withChildren(process.pid).slice(1);
const sandboxCpu0 = sumCpuMicros(sandboxPids);
const t0 = performance.now();
const report = await runResearch(
  executor,
  { code: js, feeds: [feed], settings },
  // The schema's defaults (no warm-up, no prior trials): the job the figures always measured.
  { kind: 'walk-forward', grid, objective: 'sharpe', warmupBars: 0, priorTrials: 0, ...w },
  (fraction) => {
    const now = performance.now();
    if (wfEnd === 0 && fraction >= wfShare - 1e-9) wfEnd = now;
    if (now - lastShown < 5_000 && fraction < 1) return;
    lastShown = now;
    progress(`research: ${round(fraction * 100, 1)} %, ${round((now - t0) / 1000, 0)} s`);
  },
);
const wallS = (performance.now() - t0) / 1000;
sampleRss();
clearInterval(sampler);
const serverCpu = process.cpuUsage(cpu0);
const sandboxCpuS = (sumCpuMicros(sandboxPids) - sandboxCpu0) / 1e6;
const stillThere = withChildren(process.pid).slice(1);
if (sandboxPids.some((pid) => !stillThere.includes(pid))) progress('a sandbox process was replaced during the run: its CPU is undercounted');
const sent = (processes.health().info as { backtest: { data: { sent: number; sentBytes: number; held: number } } }).backtest.data;
await processes.stop();
if (report.kind !== 'walk-forward') throw new Error('expected a walk-forward report');
const wf = report.walkForward;
if (wf.windows.length !== FOLDS) throw new Error(`expected ${FOLDS} folds, got ${wf.windows.length}`);

interface SmaBar extends IBar {
  fast: number;
  slow: number;
}
/** The crossover as grademark's README builds a strategy, its averages per parameter set. */
const grademarkStrategy: IStrategy<IBar, SmaBar, { fast: number; slow: number }> = {
  parameters: { fast: 20, slow: 100 },
  lookbackPeriod: 2,
  prepIndicators: ({ parameters, inputSeries }) => {
    const close = inputSeries.deflate((bar) => bar.close) as ISeries<number, number> & { sma(n: number): ISeries<number, number> };
    return inputSeries
      .withSeries('fast', close.sma(parameters.fast))
      .withSeries('slow', close.sma(parameters.slow))
      .skip(parameters.slow - 1);
  },
  entryRule: (enter, { lookback }) => {
    const [a, b] = lookback.toArray() as [SmaBar, SmaBar];
    const [prev, bar] = a.time < b.time ? [a, b] : [b, a];
    if (prev.fast <= prev.slow && bar.fast > bar.slow) enter();
  },
  exitRule: (exit, { lookback }) => {
    const [a, b] = lookback.toArray() as [SmaBar, SmaBar];
    const [prev, bar] = a.time < b.time ? [a, b] : [b, a];
    if (prev.fast >= prev.slow && bar.fast < bar.slow) exit();
  },
};
const parameters: IParameterDef[] = [
  { name: 'fast', ...FAST },
  { name: 'slow', ...SLOW },
];
const slice = plainBars(feed).slice(0, sliceBars);
const gw = windows(sliceBars);
progress(`grademark walkForwardOptimize: the same grid and folds on ${sliceBars} bars`);
const g0 = performance.now();
const peer = walkForwardOptimize(
  grademarkStrategy,
  parameters,
  (trades: ITrade[]) => analyze(10_000, trades).profitFactor ?? 0,
  new DataFrame<number, IBar>(slice),
  gw.inSampleBars,
  gw.outSampleBars,
);
const peerS = (performance.now() - g0) / 1000;

const wfSteps = stepsOf(w);
const steps = wfSteps + sets * bars;
const peerSteps = stepsOf(gw);
const wfS = (wfEnd - t0) / 1000;
const result = {
  bars,
  folds: wf.windows.length,
  parameter_sets: sets,
  trials: wf.runs + report.search.trials.length,
  processes: processCount,
  bar_steps: steps,
  bar_steps_per_s: Math.round(steps / wallS),
  wall_s: round(wallS, 1),
  under_60_s: wallS < 60,
  batches,
  peak_rss_mb: Math.round(peak.total / 1024 / 1024),
  peak_rss_parent_mb: Math.round(peak.parent / 1024 / 1024),
  peak_rss_sandbox_mb: Math.round(peak.sandbox / 1024 / 1024),
  rss_within_1_gb: peak.total <= 1024 ** 3,
  walk_forward_s: round(wfS, 1),
  walk_forward_bar_steps_per_s: Math.round(wfSteps / wfS),
  search_s: round(wallS - wfS, 1),
  feed_sends: sent.sent,
  feed_sent_mb: round(sent.sentBytes / 1024 / 1024, 1),
  trials_naming_feed: sent.held,
  hash_ms: round(hashMs, 0),
  server_cpu_s: round((serverCpu.user + serverCpu.system) / 1e6, 1),
  sandbox_cpu_s: round(sandboxCpuS, 1),
  bar_steps_per_cpu_s: Math.round(steps / sandboxCpuS),
  // What the job's CPU comes to on the two cores of an idle machine (a bound, not a measurement).
  cpu_s_per_core: round((sandboxCpuS + (serverCpu.user + serverCpu.system) / 1e6) / processCount, 1),
  grademark_bars: sliceBars,
  grademark_trades: peer.trades.length,
  grademark_bar_steps_per_s: Math.round(peerSteps / peerS),
  grademark_wall_s: round(peerS, 1),
  vs_grademark: round(wfSteps / wfS / (peerSteps / peerS), 1),
  oos_return: round(wf.totalReturn, 4),
  deflated_sharpe: round(report.overfitting.deflatedSharpe.value, 4),
  pbo: report.overfitting.pbo === null ? null : round(report.overfitting.pbo.value, 4),
  // What a change must leave as it was: each window's choice and the search's best.
  window_params: wf.windows.map((w) => `${String(w.bestParams.fast)}/${String(w.bestParams.slow)}`).join(' '),
  best_params: `${String(report.search.best.params.fast)}/${String(report.search.best.params.slow)}`,
  load_average: round(loadavg()[0]!, 1),
};
console.log(`Walk-forward research: ${FOLDS} folds × ${sets} parameter sets, then the grid over the whole range; SMA crossover, ${bars} one-minute bars`);
printTable([
  { engine: `tickline, ${processCount} sandbox processes: whole job`, bars, trials: result.trials, 's': result.wall_s, 'bar steps/s': result.bar_steps_per_s },
  { engine: `tickline, ${processCount} sandbox processes: walk-forward part`, bars, trials: wf.runs, 's': result.walk_forward_s, 'bar steps/s': result.walk_forward_bar_steps_per_s },
  { engine: 'grademark 0.3.0 walkForwardOptimize', bars: sliceBars, trials: FOLDS * (sets + 1), 's': result.grademark_wall_s, 'bar steps/s': result.grademark_bar_steps_per_s },
]);
printResult(result);
