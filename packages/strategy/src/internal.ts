/** @module Internals for tests and benchmarks: everything public plus test support. */
export * from './index.ts';
export { Engine } from './core/engine.ts';
export { evaluateTrustedStrategy } from './sandbox/host-module.ts';
export { StrategyProcesses } from './sandbox/strategy-processes.ts';
export { createSandboxExecutor } from './research/sandbox-executor.ts';
export { EQUITY_POINTS } from './core/downsample.ts';
export { isolateBundle, MARKET_INDICATOR_FILES } from './sandbox/isolate-bundle.ts';
export { feedFromRows, randomWalkFeed } from './core/candles.test-support.ts';
export { migrateForStrategy } from './testing/strategy-migrations.ts';
export { grademarkBars, runGrademarkSmaCross } from './examples/grademark-sma-cross.test-support.ts';
export type { GrademarkRun } from './examples/grademark-sma-cross.test-support.ts';
export { createStrategyTestApp, waveCandles, HOUR, T0 } from './testing/strategy-test-app.ts';
export type { StrategyTestApp } from './testing/strategy-test-app.ts';
export { createLiveTestApp } from './testing/live-test-app.ts';
export type { LiveTestApp, LiveTestAppOptions } from './testing/live-test-app.ts';
export {
  runBrokerContract,
  CONTRACT_SYMBOL,
  CONTRACT_UNKNOWN_SYMBOL,
  CONTRACT_START_PRICE,
  CONTRACT_START_CASH,
} from './broker/contract/broker-contract.ts';
export type {
  BrokerContractSubject,
  BrokerContractOptions,
  BrokerContractCase,
} from './broker/contract/broker-contract.ts';
export { runOrderJournalContract } from './broker/contract/order-journal-contract.ts';
export { BinanceSpotMock } from './broker/testing/binance-spot-mock.ts';
export type { BinanceSpotMockOptions, InjectedFailure } from './broker/testing/binance-spot-mock.ts';
export type { MockSymbol } from './broker/testing/binance-mock-book.ts';
