/**
 * @module @tickline/strategy — user strategies and backtests: the deterministic engine and
 * metrics (core/), the isolated-vm sandbox that runs user code (sandbox/), save-time compile and
 * the published API types (api/); accounts/ holds each new account's paper-portfolio snapshot
 * flow (`accountsModule`).
 */
// Accounts: the initial paper-portfolio snapshot flow (seed 002).
export { accountsModule } from './accounts/accounts-module.ts';
export { createAccountsHost } from './accounts/accounts-host.ts';
export { ACCOUNTS_MIGRATIONS_DIR } from './accounts/migrations-dir.ts';
export {
  AccountSnapshotGenerated,
  AccountSnapshotDataSchema,
  ACCOUNT_EVENTS,
} from './accounts/account-events.ts';
export { STARTING_CASH, initialSnapshot } from './accounts/initial-snapshot.ts';
export { createSnapshotHandler, ACCOUNT_SNAPSHOTS_CONSUMER } from './accounts/snapshot-consumer.ts';
export { createSnapshotOutbox } from './accounts/snapshot-outbox.ts';
export { accountDelivery, userChannel, USER_EVENT_TYPES } from './accounts/account-delivery.ts';

export type { AccountsHost, AccountsHostDeps } from './accounts/accounts-host.ts';
export type { AccountSnapshotData, Position } from './accounts/account-events.ts';
// Strategies and backtests (issue 10).
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
export { BacktestService, backtestRequestSchema } from './jobs/backtest-service.ts';
export { BacktestCompleted, STRATEGY_EVENTS } from './jobs/events.ts';
export { downsampleCurve } from './jobs/downsample.ts';
export { strategyConfigSchema } from './module/strategy-config.ts';
export { createCodeCipher } from './versions/code-cipher.ts';
export { StrategyRepository, STRATEGY_MIGRATIONS_DIR } from './versions/strategy-repository.ts';
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
export type {
  BacktestRequest,
  BacktestServiceDeps,
  CandleSource,
  ExecuteOptions,
} from './jobs/backtest-service.ts';
export type { BacktestCompletedData } from './jobs/events.ts';
export type { StrategyConfig, TierLimits } from './module/strategy-config.ts';
export type { CodeCipher, CodeCipherOptions, EncryptedCode } from './versions/code-cipher.ts';
export type {
  RunRecord,
  RunStatus,
  StoredResult,
  StrategyRecord,
  VersionInfo,
  VersionRecord,
} from './versions/strategy-repository.ts';
export type { WorkerPoolOptions } from './research/worker-pool.ts';
export type { LookaheadDifference, LookaheadOptions, LookaheadReport } from './research/lookahead.ts';
export type {
  Objective,
  ParamGrid,
  WalkForwardOptions,
  WalkForwardReport,
  WalkForwardWindow,
} from './research/walk-forward.ts';
