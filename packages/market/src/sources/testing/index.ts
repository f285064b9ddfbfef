/** @module Loopback mock venues and probes for testing network sources (exported via `internal`). */
export { MockVenueServer } from './mock-venue.ts';
export { BinanceMock } from './binance-mock.ts';
export { UpbitMock } from './upbit-mock.ts';
export { CoinbaseMock } from './coinbase-mock.ts';
export { AlpacaMock } from './alpaca-mock.ts';
export { KisMock } from './kis-mock.ts';
export { SourceProbe } from './source-probe.ts';
export { startMockedSource, FAST_RESILIENCE, testServiceContext } from './harness.ts';
export type { MockConnection, MockEvent, MockRestAnswer } from './mock-venue.ts';
export type { BinanceMockOptions, BinanceMockTrade } from './binance-mock.ts';
export type { UpbitMockOptions, UpbitMockTrade } from './upbit-mock.ts';
export type { CoinbaseMockOptions, CoinbaseMockTrade } from './coinbase-mock.ts';
export type {
  AlpacaMockOptions,
  AlpacaMockTrade,
  AlpacaMockBar,
  AlpacaMockCorporateAction,
} from './alpaca-mock.ts';
export type { KisMockOptions, KisMockTrade, KisMockDailyBar } from './kis-mock.ts';
export type { MockedSource } from './harness.ts';
export { readRecording, RECORDINGS } from './recording.ts';
export type { RecordedFrame } from './recording.ts';
export { CoinbaseExchangeMock } from './coinbase-exchange-mock.ts';
export type { CoinbaseExchangeMockOptions, CoinbaseExchangeMatch } from './coinbase-exchange-mock.ts';
