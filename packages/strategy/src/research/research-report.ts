/**
 * @module One research job from spec to a JSON report: the look-ahead and recursive checks, walk-forward or
 * parameter search, each followed by the overfitting measures (see parameter-search.ts), with
 * progress as one fraction over all of its runs.
 */
import { z } from 'zod';
import { downsampleEquity } from '../module/backtest-queue.ts';
import type { RunData } from '../module/run-data.ts';
import type { BacktestExecutor, BacktestJob } from './executor.ts';
import { checkLookahead, type LookaheadReport } from './lookahead.ts';
import { checkRecursive, DEFAULT_HISTORIES, type RecursiveReport } from './recursive.ts';
import { moments, returnsOf } from './overfitting.ts';
import {
  assertGridSize,
  assertSampleSize,
  parameterSearch,
  sampleGrid,
  type OverfittingReport,
  type SearchReport,
} from './parameter-search.ts';
import {
  assertFoldsCoverWarmup,
  walkForward,
  type WalkForwardReport,
  type WalkForwardWindow,
} from './walk-forward.ts';
import { pboOffThread, type PboComputer } from './pbo-thread.ts';
import { assertSaneWindows } from './research-budget.ts';

/** Largest grid a research job takes: each set is a full backtest. */
export const MAX_GRID = 1_000;
/** Trials listed in a stored report (the measures use them all). */
export const LISTED_TRIALS = 100;

const Grid = z
  .record(
    z.string().min(1).max(64),
    z
      .array(z.union([z.number(), z.boolean(), z.string().max(64)]))
      .min(1)
      .max(1_000),
  )
  .refine((g) => Object.keys(g).length <= 16, 'at most 16 parameters');
const Objective = z.enum(['sharpe', 'sortino', 'calmar', 'totalReturn', 'profitFactor']).default('sharpe');
/** Most declared prior trials: far beyond any honest search, and the benchmark barely moves past it. */
export const MAX_PRIOR_TRIALS = 1_000_000;
const PriorTrials = z
  .number()
  .int()
  .min(0)
  .max(MAX_PRIOR_TRIALS)
  .default(0)
  .describe(
    'Parameter sets or code variants already tried on the same data outside this request (other grids, other symbols, earlier versions): the deflated Sharpe ratio counts them as trials too.',
  );

/** What a research request names besides the strategy and data (zod: external input). */
export const ResearchSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('lookahead'), points: z.number().int().min(2).max(200).default(20) }).strict(),
  z
    .object({
      kind: z.literal('walk-forward'),
      grid: Grid,
      objective: Objective,
      inSampleBars: z.number().int().min(2),
      outSampleBars: z.number().int().min(2),
      stepBars: z.number().int().min(1).optional(),
      warmupBars: z
        .number()
        .int()
        .min(0)
        .max(5_000)
        .default(0)
        .describe("Bars before each window its runs see as warm-up, as a live run's warmupBars."),
      priorTrials: PriorTrials,
    })
    .strict(),
  z
    .object({
      kind: z.literal('search'),
      grid: Grid,
      objective: Objective,
      samples: z
        .number()
        .int()
        .min(1)
        .max(MAX_GRID)
        .optional()
        .describe('Random search: this many sets drawn from the grid.'),
      seed: z.number().int().optional(),
      priorTrials: PriorTrials,
    })
    .strict(),
]);
export type ResearchSpec = z.output<typeof ResearchSpecSchema>;
export type ResearchKind = ResearchSpec['kind'];

export interface WalkForwardSummary {
  windows: WalkForwardWindow[];
  equity: Array<[number, number]>;
  totalReturn: number;
  maxDrawdown: number;
  runs: number;
  /** Per-bar Sharpe ratio of the stitched out-of-sample equity. */
  outOfSampleBarSharpe: number;
}

export type ResearchReport = (
  | {
      kind: 'lookahead';
      lookahead: LookaheadReport;
      /** Absent in reports stored before the recursive check existed. */
      recursive?: RecursiveReport;
      overfitting: OverfittingReport;
    }
  | {
      kind: 'walk-forward';
      walkForward: WalkForwardSummary;
      search: SearchReport;
      overfitting: OverfittingReport;
    }
  | { kind: 'search'; search: SearchReport; overfitting: OverfittingReport }
) & {
  /**
   * Where the deflated Sharpe ratio's prior trials came from: declared in the request, and counted
   * by the trial registry before this job (research-jobs/trial-registry.ts). Absent in reports
   * stored before the registry.
   */
  trialRegistry?: { declared: number; registered: number };
  /** What the job read, pinned as a backtest's (module/run-data.ts); absent before data versions. */
  data?: RunData;
};

/**
 * Checks what can be checked before a job is queued (grid size, window lengths; the window count
 * when the first feed's `bars` are known); throws coded errors.
 */
export function validateSpec(spec: ResearchSpec, bars?: number): void {
  if (spec.kind === 'search' && spec.samples !== undefined) {
    assertSampleSize(spec.samples, MAX_GRID);
    sampleGrid(spec.grid, 1, 1);
  } else if (spec.kind !== 'lookahead') assertGridSize(spec.grid, MAX_GRID);
  if (spec.kind === 'walk-forward') {
    assertFoldsCoverWarmup(spec.inSampleBars, spec.outSampleBars, spec.warmupBars);
    assertSaneWindows(spec, bars);
  }
}

const listed = (r: SearchReport): SearchReport => ({ ...r, trials: r.trials.slice(0, LISTED_TRIALS) });

/** What a report keeps of a walk-forward: its stitched curve cut for the chart, and its statistics. */
function summed(wf: WalkForwardReport): WalkForwardSummary {
  const oos = moments(returnsOf(wf.equity.value));
  return {
    windows: wf.windows,
    equity: downsampleEquity(wf.equity),
    totalReturn: wf.totalReturn,
    maxDrawdown: wf.maxDrawdown,
    runs: wf.runs,
    outOfSampleBarSharpe: oos.std > 0 ? oos.mean / oos.std : 0,
  };
}

/** Maps a phase's (done, total) onto its share of the whole job. */
function phase(report: (fraction: number) => void, start: number, share: number) {
  return (done: number, total: number): void => report(start + (share * done) / Math.max(1, total));
}

export interface RunResearchOptions {
  /** Where the PBO is computed. @default pboOffThread: never on the caller's (the server's) thread */
  pbo?: PboComputer;
  /** Trials the registry counted on this strategy and data before the job: prior trials too. @default 0 */
  registeredTrials?: number;
}

export async function runResearch(
  executor: BacktestExecutor,
  job: BacktestJob,
  spec: ResearchSpec,
  onProgress: (fraction: number) => void = () => undefined,
  options: RunResearchOptions = {},
): Promise<ResearchReport> {
  const pbo = options.pbo ?? pboOffThread;
  if (spec.kind === 'lookahead') {
    const bars = job.feeds[0]!.columns.closeTime.length;
    const recursiveRuns = DEFAULT_HISTORIES.filter((h) => h < bars).length + 1;
    const runs = spec.points + 1 + recursiveRuns + 1;
    const lookahead = await checkLookahead(executor, job, {
      points: spec.points,
      onProgress: phase(onProgress, 0, (spec.points + 1) / runs),
    });
    const recursive = await checkRecursive(executor, job, {
      onProgress: phase(onProgress, (spec.points + 1) / runs, recursiveRuns / runs),
    });
    // The job's own parameters as a one-trial search: the DSR is then the probabilistic Sharpe.
    const single = await parameterSearch(executor, job, {
      grid: {},
      onProgress: phase(onProgress, (runs - 1) / runs, 1 / runs),
    });
    return { kind: 'lookahead', lookahead, recursive, overfitting: single.overfitting };
  }
  // Runs queued before prior trials existed stored none.
  const declared = (spec.priorTrials as number | undefined) ?? 0;
  const registered = options.registeredTrials ?? 0;
  const priorTrials = declared + registered;
  const trialRegistry = { declared, registered };
  if (spec.kind === 'search') {
    const search = await parameterSearch(executor, job, {
      ...spec,
      pbo,
      priorTrials,
      onProgress: phase(onProgress, 0, 1),
    });
    return { kind: 'search', search: listed(search), overfitting: search.overfitting, trialRegistry };
  }
  const combos = assertGridSize(spec.grid, MAX_GRID);
  const bars = job.feeds[0]!.columns.closeTime.length;
  const step = spec.stepBars ?? spec.outSampleBars;
  // Runs queued before warm-ups existed stored no warmupBars.
  const warmup = (spec.warmupBars as number | undefined) ?? 0;
  const windows = Math.max(
    0,
    Math.floor((bars - warmup - spec.inSampleBars - spec.outSampleBars) / step) + 1,
  );
  const wfRuns = windows * (combos + 1);
  const share = wfRuns / (wfRuns + combos);
  // Summed up before the search: the stitched curve (every out-of-sample bar, 13 MB at 1M bars)
  // is not held through it.
  const walkForwardPart = summed(
    await walkForward(executor, job, {
      ...spec,
      maxCombinations: MAX_GRID,
      onProgress: phase(onProgress, 0, share),
    }),
  );
  // The same grid over the whole range gives the trials the overfitting measures need.
  const search = await parameterSearch(executor, job, {
    grid: spec.grid,
    objective: spec.objective,
    pbo,
    priorTrials,
    onProgress: phase(onProgress, share, 1 - share),
  });
  return {
    kind: 'walk-forward',
    walkForward: walkForwardPart,
    search: listed(search),
    overfitting: search.overfitting,
    trialRegistry,
  };
}
