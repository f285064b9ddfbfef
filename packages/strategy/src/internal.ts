/** @module Everything public plus what tests and sibling packages need: the broker contract suite and the Binance mock. */
export * from './index.ts';
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
