/** @module Internals for tests and benchmarks: everything public plus test support. */
export * from './index.ts';
export { migrateForTrading } from './testing/trading-migrations.ts';
export { tradingDatabase } from './testing/trading-database.ts';
export { createTradingTestApp } from './testing/trading-test-app.ts';
export type { TradingTestApp } from './testing/trading-test-app.ts';
export { createLiveTestApp } from './testing/live-test-app.ts';
export { startMockTelegram } from './testing/mock-telegram.ts';
export type { MockTelegram, SentMessage } from './testing/mock-telegram.ts';
export type { LiveTestApp, LiveTestAppOptions } from './testing/live-test-app.ts';
export { liveMetrics } from './live/live-metrics.ts';
export { ownerOf } from './live/assignment.ts';
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
export { simulatorBtcMock } from './broker/testing/simulator-btc-mock.ts';
export type { SimulatorMockKeys } from './broker/testing/simulator-btc-mock.ts';
export type { BinanceSpotMockOptions, InjectedFailure } from './broker/testing/binance-spot-mock.ts';
export type { MockSymbol } from './broker/testing/binance-mock-book.ts';
