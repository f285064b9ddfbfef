/**
 * @module `npm run bench:research` — the walk-forward a research job runs, at the issue's size:
 * 10 folds × 100 parameter sets (an SMA crossover, fast 5–50 × slow 60–240) over 1M one-minute
 * bars, every trial in its own isolate in the sandbox processes (StrategyProcesses, as the
 * research queue runs them: one process per core). Beside it, grademark 0.3.0's own
 * `walkForwardOptimize` with the same grid and the same 10 folds on a 1 % slice of the bars (it
 * builds a data-forge frame and its indicators per trial; at full size it would run for hours).
 * Both are compared in bar steps a second: every trial's bars plus every out-of-sample run's.
 *
 * Sizes: BENCH_BARS (default 1,000,000), BENCH_SLICE (grademark's bars, default 1 % of them),
 * BENCH_PROCESSES (default: the cores). The last line is `RESULT {json}` with `trials`,
 * `bar_steps_per_s`, `wall_s` and grademark's figures. Target: under 5 minutes on 2 cores.
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
  randomWalkFeed,
  resolveBacktestSettings,
  shareFeeds,
  SMA_CROSS_SOURCE,
  StrategyProcesses,
  walkForward,
} from '@tickline/strategy/internal';
import type { Feed } from '@tickline/strategy/internal';
import { plainBars } from '../backtest/grademark-documented.ts';
import { envInt, printResult, printTable, progress, round } from '../lib/report.ts';

const bars = envInt('BENCH_BARS', 1_000_000);
const sliceBars = envInt('BENCH_SLICE', Math.max(1_000, Math.floor(bars / 100)));
const processCount = envInt('BENCH_PROCESSES', availableParallelism());
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
const [feed] = shareFeeds([randomWalkFeed('BTC-USDT', '1m', 60_000, bars, 1)]) as [Feed];
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
});
const w = windows(bars);
let lastShown = 0;
const t0 = performance.now();
const report = await walkForward(executor, { code: js, feeds: [feed], settings }, {
  grid,
  ...w,
  onProgress: (done, total) => {
    const now = performance.now();
    if (now - lastShown < 5_000 && done < total) return;
    lastShown = now;
    progress(`walk-forward: ${done}/${total} runs, ${round((now - t0) / 1000, 0)} s`);
  },
});
const wallS = (performance.now() - t0) / 1000;
await processes.stop();
if (report.windows.length !== FOLDS) throw new Error(`expected ${FOLDS} folds, got ${report.windows.length}`);

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

const steps = stepsOf(w);
const peerSteps = stepsOf(gw);
const result = {
  bars,
  folds: report.windows.length,
  parameter_sets: sets,
  trials: report.runs,
  processes: processCount,
  bar_steps: steps,
  bar_steps_per_s: Math.round(steps / wallS),
  wall_s: round(wallS, 1),
  under_5_min: wallS < 300,
  grademark_bars: sliceBars,
  grademark_trades: peer.trades.length,
  grademark_bar_steps_per_s: Math.round(peerSteps / peerS),
  grademark_wall_s: round(peerS, 1),
  vs_grademark: round(steps / wallS / (peerSteps / peerS), 1),
  oos_return: round(report.totalReturn, 4),
  load_average: round(loadavg()[0]!, 1),
};
console.log(`Walk-forward: ${FOLDS} folds × ${sets} parameter sets, SMA crossover, ${bars} one-minute bars`);
printTable([
  { engine: `tickline, ${processCount} sandbox processes`, bars, trials: report.runs, 's': result.wall_s, 'bar steps/s': result.bar_steps_per_s },
  { engine: 'grademark 0.3.0 walkForwardOptimize', bars: sliceBars, trials: FOLDS * (sets + 1), 's': result.grademark_wall_s, 'bar steps/s': result.grademark_bar_steps_per_s },
]);
printResult(result);
