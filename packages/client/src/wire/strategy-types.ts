/**
 * @module Wire shapes of the strategy and backtest routes (`/api/v1/strategies`,
 * `/api/v1/backtests`), declared here so the SDK carries no server code.
 */

export type StrategyLanguage = 'typescript' | 'javascript';

/** A declared strategy parameter. */
export type ParamSpec =
  | {
      type: 'int' | 'float';
      default: number;
      min?: number;
      max?: number;
      step?: number;
      description?: string;
    }
  | { type: 'bool'; default: boolean; description?: string }
  | { type: 'enum'; default: string; values: readonly string[]; description?: string };

export interface StrategySummary {
  id: string;
  name: string;
  description: string;
  latestVersion: number;
  createdAt: string;
  updatedAt: string;
}

export interface StrategyVersionInfo {
  strategyId: string;
  version: number;
  language: StrategyLanguage;
  params: Record<string, ParamSpec>;
  sourceSha256: string;
  sizeBytes: number;
  createdAt: string;
}

export interface StrategyVersion extends StrategyVersionInfo {
  source: string;
}

export interface CreateStrategyInput {
  name: string;
  description?: string;
  source: string;
  language?: StrategyLanguage;
}

export interface SaveVersionInput {
  source: string;
  language?: StrategyLanguage;
}

export type BacktestStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface BacktestSettings {
  startingCapital?: number;
  makerFee?: number;
  takerFee?: number;
  slippage?: { kind: 'none' } | { kind: 'bps'; bps: number } | { kind: 'range'; fraction: number };
  maxLeverage?: number;
  allowShort?: boolean;
  closeAtEnd?: boolean;
  seed?: number;
}

export interface RunBacktestInput {
  strategyId: string;
  /** Default: the latest version. */
  version?: number;
  symbol: string;
  interval: '1s' | '1m' | '5m' | '15m' | '1h' | '1d';
  /** ISO date-time or epoch ms. */
  from: string | number;
  to: string | number;
  exchange?: string;
  params?: Record<string, number | boolean | string>;
  settings?: BacktestSettings;
  sandbox?: { memoryMb?: number; cpuMs?: number };
}

export interface Backtest {
  id: string;
  strategyId: string;
  version: number;
  status: BacktestStatus;
  progress: number;
  symbol: string;
  interval: string;
  from: string;
  to: string;
  exchange: string | null;
  params: Record<string, unknown>;
  settings: BacktestSettings;
  error: { code: string; message: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface BacktestMetrics {
  startingCapital: number;
  finalEquity: number;
  totalReturn: number;
  cagr: number;
  volatility: number;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  drawdown: {
    maxDrawdown: number;
    peakTime: number | null;
    troughTime: number | null;
    recoveryTime: number | null;
    longestDrawdownMs: number;
  };
  trades: number;
  winRate: number;
  profitFactor: number | null;
  expectancy: number;
  avgWin: number;
  avgLoss: number;
  exposure: number;
  feesPaid: number;
  periodReturns: Record<'day' | 'week' | 'month', Array<{ start: number; return: number }>>;
}

export interface BacktestTrade {
  symbol: string;
  direction: 'long' | 'short';
  entryTime: number;
  exitTime: number;
  entryPrice: number;
  exitPrice: number;
  qty: number;
  pnl: number;
  fees: number;
  returnPct: number;
  entryReason: string;
  exitReason: string;
  bars: number;
}

export interface BacktestDetail {
  backtest: Backtest;
  /** Present once the run succeeded. */
  result: {
    metrics: BacktestMetrics;
    bars: number;
    tradesTruncated: boolean;
    logs: Array<{ time: number; text: string }>;
    plots: Array<{ name: string; time: number[]; value: number[] }>;
  } | null;
}

/** `[time ms, value]` points. */
export interface BacktestCurves {
  equity: Array<[number, number]>;
  drawdown: Array<[number, number]>;
}

/** `backtest.progress` on `user:{id}`. */
export interface BacktestProgressEvent {
  backtestId: string;
  strategyId: string;
  version: number;
  progress: number;
  barsDone: number;
  barsTotal: number;
}

/** `backtest.completed` on `user:{id}`. */
export interface BacktestCompletedEvent {
  backtestId: string;
  strategyId: string;
  version: number;
  status: 'succeeded' | 'failed' | 'cancelled';
  summary: {
    totalReturn: number;
    maxDrawdown: number;
    sharpe: number | null;
    trades: number;
    finalEquity: number;
  } | null;
  error: { code: string; message: string } | null;
  finishedAt: string;
}
