/** @module Internals for tests and benchmarks: everything public plus test support. */
export * from './index.ts';
export { Engine } from './core/engine.ts';
export { evaluateTrustedStrategy } from './sandbox/host-module.ts';
export { StrategyProcesses } from './sandbox/strategy-processes.ts';
export { feedKey } from './sandbox/feed-transfer.ts';
export { LiveTenants } from './sandbox/live-tenants.ts';
// What a tenant's isolate runs per step, run on a host thread (bench/live/floor-alloc.ts).
export { createLiveApi } from './sandbox/isolate-live.ts';
// The kernel's count of a live process's stepping thread (trading's tests see a step under way by it).
export { threadCpuMs } from '@tickline/sandbox';
export { createSandboxExecutor } from './research/sandbox-executor.ts';
export { runResearch } from './research/research-report.ts';
export { EQUITY_POINTS } from './core/downsample.ts';
export { isolateBundle, MARKET_INDICATOR_FILES } from './sandbox/isolate-bundle.ts';
export { emptyColumns, feedFromRows, randomWalkFeed } from './core/candles.test-support.ts';
export { migrateForStrategy } from './testing/strategy-migrations.ts';
export { grademarkBars, runGrademarkSmaCross } from './examples/grademark-sma-cross.test-support.ts';
export type { GrademarkRun } from './examples/grademark-sma-cross.test-support.ts';
export { createStrategyTestApp, waveCandles, HOUR, T0 } from './testing/strategy-test-app.ts';
export type { StrategyTestApp } from './testing/strategy-test-app.ts';
export type { StrategyTestAppOptions, TestAppExtension, TestAppParts } from './testing/strategy-test-app.ts';
