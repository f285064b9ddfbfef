/** @module The JSON shapes of `/api/v1/research` the dashboard reads (see docs/research.md). */
/** What each kind of research is called on the page (the form's options, the list, the title). */
export const RESEARCH_KIND_NAMES: Record<ResearchRun['kind'], string> = {
  lookahead: 'Look-ahead check',
  'walk-forward': 'Walk-forward',
  search: 'Parameter search',
};

/** How an objective reads in a heading ("Parameter sets by Sharpe ratio"); unknown ones as sent. */
export const OBJECTIVE_NAMES: Record<string, string> = {
  sharpe: 'Sharpe ratio',
  sortino: 'Sortino ratio',
  calmar: 'Calmar ratio',
  totalReturn: 'total return',
  profitFactor: 'profit factor',
};

export interface ResearchRun {
  id: string;
  strategyId: string;
  version: number;
  kind: 'lookahead' | 'walk-forward' | 'search';
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: number;
  feeds: Array<{ symbol: string; interval: string; exchange?: string }>;
  from: string;
  to: string;
  error: { code: string; message: string } | null;
  /** The server's preflight estimate ("N bar-steps in K trials, ≈ T s, ≤ M MB"); null on older runs. */
  estimate?: { summary: string; trials: number; barSteps: number; seconds: number; memoryMb: number } | null;
  createdAt: string;
}

export interface Trial {
  params: Record<string, unknown>;
  score: number | null;
  totalReturn: number;
  maxDrawdown: number;
  trades: number;
  barSharpe: number;
  /** [close time, equity], about 64 points first to last bar; absent in older reports. */
  equity?: Array<[number, number]>;
}

export interface Overfitting {
  deflatedSharpe: { value: number; benchmark: number; sharpe: number; trials: number; n: number };
  pbo: { value: number; splits: number; blocks: number } | null;
  pboNote?: string;
  /** Trials declared as made before the request; `deflatedSharpe.trials` includes them. */
  priorTrials?: number;
}

export interface ResearchReport {
  kind: ResearchRun['kind'];
  overfitting: Overfitting;
  lookahead?: {
    ok: boolean;
    cutoffs: number[];
    signals: number;
    differences: Array<{ cutoff: number; time: number }>;
  };
  recursive?: RecursiveReport;
  walkForward?: {
    windows: Array<{
      inSample: { from: number; to: number };
      outSample: { from: number; to: number };
      bestParams: Record<string, unknown>;
      inSampleScore: number | null;
      outSampleScore: number | null;
      outSampleReturn: number;
      outSampleTrades: number;
    }>;
    totalReturn: number;
    maxDrawdown: number;
    outOfSampleBarSharpe: number;
  };
  search?: { objective: string; trials: Trial[]; best: Trial };
}

/** The recursive check: the last value of each plot series with less history than the full run. */
export interface RecursiveReport {
  ok: boolean;
  histories: number[];
  bars: number;
  series: number;
  settledFrom: Record<string, number | null>;
  differences: Array<{
    series: string;
    bars: number;
    value: number | null;
    full: number;
    relative: number | null;
  }>;
}

export interface ResearchDetail {
  research: ResearchRun;
  report: ResearchReport | null;
}
