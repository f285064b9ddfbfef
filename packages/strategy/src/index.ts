/**
 * @module @tickline/strategy — user strategies and backtests: the deterministic engine and
 * metrics (core/), the isolated-vm sandbox that runs user code (sandbox/), save-time compile and
 * the published API types (api/), the engine a live run drives a candle at a time (live/),
 * versions, research. Live runs, orders, portfolios and risk are `@tickline/trading`.
 */
export { STRATEGY_MIGRATIONS_DIR } from './migrations-dir.ts';
// Strategies and backtests (issue 10).
export { StrategyErrorCodes } from './core/errors.ts';
export { runBacktest } from './core/engine.ts';
export { executionFeeds } from './core/execution-feed.ts';
export { resolveParams, checkDefinition } from './core/definition.ts';
export {
  backtestSettingsSchema,
  resolveBacktestSettings,
  DEFAULT_OUTPUT_LIMITS,
} from './settings/backtest-settings.ts';
export { StrategySandbox, runInSandbox, DEFAULT_SANDBOX_LIMITS } from './sandbox/sandbox.ts';
export { LIVE_V8_FLAGS, LiveProcesses } from './sandbox/live-processes.ts';
export { placeTenant } from './sandbox/tenant-placement.ts';
export type { LiveOpenRequest, LiveProcessesOptions } from './sandbox/live-processes.ts';
export type { LiveRunLimits } from './sandbox/live-wire.ts';
export { compileStrategy, stripTypes, DEFAULT_MAX_CODE_BYTES } from './api/compile-strategy.ts';
export { STRATEGY_API_DTS } from './api/strategy-api-dts.ts';
export { SMA_CROSS_SOURCE } from './examples/sma-cross.ts';
export { createInlineExecutor } from './research/executor.ts';
export { createWorkerPool } from './research/worker-pool.ts';
export { sliceFeeds, shareFeeds } from './research/feeds.ts';
export { checkLookahead } from './research/lookahead.ts';
export { checkRecursive } from './research/recursive.ts';
export type { RecursiveReport, RecursiveDifference } from './research/recursive.ts';
export { walkForward, gridCombinations } from './research/walk-forward.ts';
export type { StrategyErrorCode } from './core/errors.ts';
export type { EngineRunResult, PausedSpan, RunOptions, Signal } from './core/engine.ts';
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
  OrderSide,
  OrderType,
  OutputLimits,
  PeriodReturn,
  PlotSeries,
  Slippage,
  Trade,
} from './core/types.ts';
export type { BacktestSettingsInput } from './settings/backtest-settings.ts';
export type { BacktestRunner, SandboxLimits, SandboxRunOptions } from './sandbox/sandbox.ts';
export type { CompiledStrategy, CompileOptions, SourceLanguage } from './api/compile-strategy.ts';
export type { BacktestExecutor, BacktestJob } from './research/executor.ts';
export type { CodeCipher, CodeCipherOptions, EncryptedCode } from './versions/code-cipher.ts';
export type { WorkerPoolOptions } from './research/worker-pool.ts';
export type { LookaheadDifference, LookaheadOptions, LookaheadReport } from './research/lookahead.ts';
export type {
  Objective,
  ParamGrid,
  WalkForwardOptions,
  WalkForwardReport,
  WalkForwardWindow,
} from './research/walk-forward.ts';
export { strategyModule } from './module/strategy-module.ts';
export { createStrategyHost } from './module/strategy-host.ts';
export { StrategySettingsSchema, DEV_CODE_KEY_ID, DEV_CODE_KEY } from './module/strategy-settings.ts';
export { StrategyApiErrorCodes } from './module/strategy-api-errors.ts';
export { BacktestProgress, BacktestCompleted, STRATEGY_EVENTS } from './module/strategy-events.ts';
export { strategyDelivery, STRATEGY_DELIVERY_CONSUMER } from './module/strategy-delivery.ts';
export { BacktestQueue, downsampleEquity } from './module/backtest-queue.ts';
export { createReplayMeter } from './module/version-replays.ts';
export { assertForecastFits, cpuForecast } from './research-jobs/cpu-forecast.ts';
export type { CpuForecast } from './research-jobs/cpu-forecast.ts';
export type { ReplayMeter, ReplayOwner } from './module/version-replays.ts';
export { loadFeed, assertKnownSymbol, hasCandles, storeClosedCandles } from './module/candle-feed.ts';
export { strategyRoutes, STRATEGY_SCOPES, drawdownOf } from './http/strategy-routes.ts';
export { createStrategyActions, SaveVersionBody, QueueBacktestBody } from './http/strategy-actions.ts';
export type { StrategyActions } from './http/strategy-actions.ts';
export { runJson, versionJson, strategyJson } from './http/route-shapes.ts';
export { researchJson } from './http/research-routes.ts';
export { StrategyRepository } from './versions/strategy-repository.ts';
export { ResearchRepository } from './research-jobs/research-repository.ts';
export type { ResearchRecord } from './research-jobs/research-repository.ts';
export { createCodeCipher } from './versions/code-cipher.ts';
export type { StrategyHost, StrategyHostDeps } from './module/strategy-host.ts';
export type { StrategySettings, TierJobLimits } from './module/strategy-settings.ts';
export type { StrategyApiErrorCode } from './module/strategy-api-errors.ts';
export type { BacktestProgressData, BacktestCompletedData } from './module/strategy-events.ts';
export type { BacktestRequest } from './module/backtest-queue.ts';
export type { FeedQuery } from './module/candle-feed.ts';
export type {
  RunRecord,
  RunStatus,
  StrategyRecord,
  VersionInfo,
  VersionRecord,
  StoredResult,
} from './versions/strategy-repository.ts';
// The strategy's side of a live run (the run itself is @tickline/trading's): the engine driven a
// candle at a time, the session port the sandbox's live processes implement.
export { LiveEngine } from './live/live-engine.ts';
export { hostSessions } from './live/live-session.ts';
export type { LiveCandle, LiveFeed, LiveStep } from './live/live-engine.ts';
export type {
  LiveSession,
  LiveSessionSpec,
  LiveSessionStep,
  LiveOrder,
  LiveWarmup,
  IndexedCandle,
  OpenSession,
  OpenSessionOptions,
  StepAnswer,
} from './live/live-session.ts';
export type { RecordedFill, RestoredBooks } from './sandbox/isolate-live.ts';
// The core's ledger and fill model: paper portfolios book and fill with the backtest's own.
export { Ledger } from './core/ledger.ts';
export { slipped, crossingPrice } from './core/fill-model.ts';
