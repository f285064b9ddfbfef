/**
 * @module @tickline/strategy — user strategies and backtests: the deterministic engine and
 * metrics (core/), the isolated-vm sandbox that runs user code (sandbox/), save-time compile and
 * the published API types (api/).
 */
export { StrategyErrorCodes } from './core/errors.ts';
export { runBacktest } from './core/engine.ts';
export { resolveParams, checkDefinition } from './core/definition.ts';
export {
  backtestSettingsSchema,
  resolveBacktestSettings,
  DEFAULT_OUTPUT_LIMITS,
} from './settings/backtest-settings.ts';
export { StrategySandbox, runInSandbox, DEFAULT_SANDBOX_LIMITS } from './sandbox/sandbox.ts';
export { compileStrategy, stripTypes, DEFAULT_MAX_CODE_BYTES } from './api/compile-strategy.ts';
export { STRATEGY_API_DTS } from './api/strategy-api-dts.ts';
export { SMA_CROSS_SOURCE } from './examples/sma-cross.ts';
export { createInlineExecutor } from './research/executor.ts';
export { createWorkerPool } from './research/worker-pool.ts';
export { sliceFeeds, shareFeeds } from './research/feeds.ts';
export { checkLookahead } from './research/lookahead.ts';
export { walkForward, gridCombinations } from './research/walk-forward.ts';
export type { StrategyErrorCode } from './core/errors.ts';
export type { EngineRunResult, RunOptions, Signal } from './core/engine.ts';
export type { ParamSpec, ParamSpecs, ParamValues, StrategyDefinition } from './core/definition.ts';
export type {
  BacktestResult,
  CandleColumns,
  DrawdownInfo,
  EngineSettings,
  Feed,
  Fill,
  LogLine,
  Metrics,
  Order,
  OrderRequest,
  OutputLimits,
  PeriodReturn,
  PlotSeries,
  Slippage,
  Trade,
} from './core/types.ts';
export type { BacktestSettingsInput } from './settings/backtest-settings.ts';
export type { SandboxLimits, SandboxRunOptions } from './sandbox/sandbox.ts';
export type { CompiledStrategy, CompileOptions, SourceLanguage } from './api/compile-strategy.ts';
export type { BacktestExecutor, BacktestJob } from './research/executor.ts';
export type { WorkerPoolOptions } from './research/worker-pool.ts';
export type { LookaheadDifference, LookaheadOptions, LookaheadReport } from './research/lookahead.ts';
export type {
  Objective,
  ParamGrid,
  WalkForwardOptions,
  WalkForwardReport,
  WalkForwardWindow,
} from './research/walk-forward.ts';
// Broker port and pre-trade risk (issue 11).
export * from './broker/index.ts';
export * from './risk/index.ts';
// Paper venue, portfolios and live runs (issue 11).
export * from './paper/index.ts';
export * from './portfolio/index.ts';
export * from './live/index.ts';
export * from './live-http/index.ts';
