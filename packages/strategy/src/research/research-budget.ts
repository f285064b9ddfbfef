/**
 * @module What a research job will cost, known before it is queued: its trials, the bar-steps
 * they make, the CPU and memory that takes, and the tier's bounds on each. A job is refused with
 * its estimate (STRATEGY_RESEARCH_TOO_LARGE) instead of being discovered to be too large by the
 * server running out of memory; the estimate is also the answer's `estimate`, so a user sees
 * "N bar-steps, ≈ T s, ≤ M MB" before anything runs. Pure: the route and the tests call it.
 */
import { TicklineError } from '@tickline/kernel';
import { DEFAULT_HISTORIES } from './recursive.ts';

/** The per-tier bounds on one research job (config `strategy.research.tiers.*`). */
export interface ResearchJobLimits {
  /** Backtests one job may run (every window's grid, the out-of-sample runs, the whole-range search). */
  maxTrialsPerJob: number;
  /** Bars the job's trials step through, all trials and feeds together. */
  maxBarStepsPerJob: number;
  /** Sandbox CPU all of the job's trials may use together (ms). */
  cpuMsPerJob: number;
  /** Time from the job's start to its end (ms), however the server is loaded. */
  wallMsPerJob: number;
}

/** Walk-forward windows one job may have: each is a whole grid of backtests. */
export const MAX_WINDOWS = 200;
/** Least in-sample window: a score on fewer bars ranks noise. */
export const MIN_IN_SAMPLE_BARS = 30;
/** Least out-of-sample window. */
export const MIN_OUT_SAMPLE_BARS = 10;

/**
 * Sandbox throughput the estimate assumes, per core: 4.3M bar-steps per CPU second measured by
 * `npm run bench:research` (docs/benchmark-details.md), rounded down.
 */
export const BAR_STEPS_PER_CPU_SECOND = 4_000_000;
/** A trial's fixed cost besides its bars: an isolate, the strategy's module, the result. */
export const TRIAL_OVERHEAD_CPU_MS = 20;
/** Bytes of one candle as the server and each sandbox process hold it (seven Float64 columns). */
const CANDLE_BYTES = 7 * 8;
const MIB = 1024 * 1024;

/** The shape of a research spec this module needs (research-report.ts owns the full one). */
export type SpecShape =
  | { kind: 'lookahead'; points: number }
  | { kind: 'search'; grid: Readonly<Record<string, readonly unknown[]>>; samples?: number | undefined }
  | {
      kind: 'walk-forward';
      grid: Readonly<Record<string, readonly unknown[]>>;
      inSampleBars: number;
      outSampleBars: number;
      stepBars?: number | undefined;
      warmupBars: number;
    };

export interface ResearchEstimateOptions {
  /** Bars of each feed in the range (the first drives windows), at most the tier's per-run bound. */
  bars: readonly number[];
  /** Trials in flight at once (the sandbox processes a job may use). */
  concurrency: number;
  /** The sandbox memory limit of one trial (MiB). */
  trialMemoryMb: number;
}

export interface ResearchEstimate {
  trials: number;
  /** Walk-forward windows (0 for other kinds). */
  windows: number;
  /** Bars stepped through by all trials, all feeds. */
  barSteps: number;
  /** Sandbox CPU the trials take, at the measured throughput (s). */
  cpuSeconds: number;
  /** Wall time with `concurrency` trials in flight on an otherwise idle server (s). */
  seconds: number;
  /** Memory the job holds at most: its candles on the server and in each sandbox process it uses, plus its isolates (MiB). */
  memoryMb: number;
  /** The same, as a person reads it: "N bar-steps, ≈ T s, ≤ M MB". */
  summary: string;
}

/** The window lengths of a walk-forward. */
export interface WindowShape {
  inSampleBars: number;
  outSampleBars: number;
  stepBars?: number | undefined;
  warmupBars: number;
}

/** Parameter sets a grid (or a random draw from it) makes. */
export function gridSize(grid: Readonly<Record<string, readonly unknown[]>>, samples?: number): number {
  let n = 1;
  for (const values of Object.values(grid)) n *= values.length;
  return samples === undefined ? n : Math.min(n, samples);
}

/** Walk-forward windows over `bars`: as `walkForward` lays them out. */
export function windowCount(bars: number, spec: WindowShape): number {
  const step = spec.stepBars ?? spec.outSampleBars;
  const room = bars - spec.warmupBars - spec.inSampleBars - spec.outSampleBars;
  return room < 0 ? 0 : Math.floor(room / step) + 1;
}

/** Trials, windows and bar-steps of the first feed for one job (see module doc). */
function trialsAndSteps(spec: SpecShape, bars: number): { trials: number; windows: number; steps: number } {
  if (spec.kind === 'lookahead') {
    // Every cut, the full run, the recursive check's histories and the one-trial search: each at most the whole range.
    const trials = spec.points + 1 + DEFAULT_HISTORIES.filter((h) => h < bars).length + 1 + 1;
    return { trials, windows: 0, steps: trials * bars };
  }
  const sets = gridSize(spec.grid, spec.kind === 'search' ? spec.samples : undefined);
  if (spec.kind === 'search') return { trials: sets, windows: 0, steps: sets * bars };
  const windows = windowCount(bars, spec);
  const warm = spec.warmupBars;
  return {
    trials: windows * (sets + 1) + sets,
    windows,
    steps: windows * (sets * (warm + spec.inSampleBars) + warm + spec.outSampleBars) + sets * bars,
  };
}

/** The estimate of one job over `bars` (see module doc). */
export function estimateResearch(spec: SpecShape, options: ResearchEstimateOptions): ResearchEstimate {
  const first = options.bars[0] ?? 0;
  const { trials, windows, steps } = trialsAndSteps(spec, first);
  // Other feeds step through their bars over the same time span as the first.
  const allBars = options.bars.reduce((a, b) => a + b, 0);
  const barSteps = first > 0 ? Math.ceil((steps * allBars) / first) : 0;
  const cpuSeconds = barSteps / BAR_STEPS_PER_CPU_SECOND + (trials * TRIAL_OVERHEAD_CPU_MS) / 1_000;
  const concurrency = Math.max(1, options.concurrency);
  const seconds = cpuSeconds / Math.min(concurrency, Math.max(1, trials));
  const candleMb = (allBars * CANDLE_BYTES) / MIB;
  const memoryMb = Math.ceil(candleMb * (1 + concurrency) + concurrency * options.trialMemoryMb);
  const round = (s: number): string => (s < 10 ? s.toFixed(1) : Math.round(s).toLocaleString('en-US'));
  return {
    trials,
    windows,
    barSteps,
    cpuSeconds: Math.round(cpuSeconds * 10) / 10,
    seconds: Math.round(seconds * 10) / 10,
    memoryMb,
    summary: `${barSteps.toLocaleString('en-US')} bar-steps in ${trials.toLocaleString('en-US')} trials, ≈ ${round(seconds)} s, ≤ ${memoryMb.toLocaleString('en-US')} MB`,
  };
}

/**
 * STRATEGY_CONFIG_INVALID for windows no tier should run (too short, overlapping out-of-sample
 * parts, more than {@link MAX_WINDOWS}); `bars` is the first feed's count when known.
 */
export function assertSaneWindows(spec: WindowShape, bars?: number): void {
  const step = spec.stepBars ?? spec.outSampleBars;
  const details = {
    inSampleBars: spec.inSampleBars,
    outSampleBars: spec.outSampleBars,
    stepBars: step,
    minInSampleBars: MIN_IN_SAMPLE_BARS,
    minOutSampleBars: MIN_OUT_SAMPLE_BARS,
  };
  if (spec.inSampleBars < MIN_IN_SAMPLE_BARS || spec.outSampleBars < MIN_OUT_SAMPLE_BARS) {
    throw new TicklineError(
      'STRATEGY_CONFIG_INVALID',
      `windows need at least ${MIN_IN_SAMPLE_BARS} in-sample and ${MIN_OUT_SAMPLE_BARS} out-of-sample bars`,
      { details },
    );
  }
  if (step < spec.outSampleBars) {
    throw new TicklineError(
      'STRATEGY_CONFIG_INVALID',
      `stepBars (${step}) is shorter than outSampleBars (${spec.outSampleBars}): out-of-sample windows would overlap and the chained curve count bars twice`,
      { details },
    );
  }
  const windows = bars === undefined ? 0 : windowCount(bars, spec);
  if (windows > MAX_WINDOWS) {
    throw new TicklineError(
      'STRATEGY_CONFIG_INVALID',
      `${windows} windows over ${bars} bars; at most ${MAX_WINDOWS}: lengthen the windows or the step, or shorten the range`,
      { details: { ...details, bars, windows, maxWindows: MAX_WINDOWS } },
    );
  }
}

/** STRATEGY_RESEARCH_TOO_LARGE, with the estimate and the bounds, when the job exceeds the tier's. */
export function assertWithinTier(estimate: ResearchEstimate, limits: ResearchJobLimits, tier: string): void {
  const cpuMs = estimate.cpuSeconds * 1_000;
  const over =
    estimate.trials > limits.maxTrialsPerJob
      ? `${estimate.trials} trials (at most ${limits.maxTrialsPerJob})`
      : estimate.barSteps > limits.maxBarStepsPerJob
        ? `${estimate.barSteps} bar-steps (at most ${limits.maxBarStepsPerJob})`
        : cpuMs > limits.cpuMsPerJob
          ? `≈ ${Math.round(cpuMs)} ms of CPU (at most ${limits.cpuMsPerJob})`
          : undefined;
  if (over === undefined) return;
  throw new TicklineError(
    'STRATEGY_RESEARCH_TOO_LARGE',
    `the job would run ${over} for the ${tier} tier: ${estimate.summary}. Narrow the grid, lengthen the windows or shorten the range`,
    { details: { tier, estimate, limits } },
  );
}
