/** @module The broker port, order model, lifecycle events and client order ids. */
export {
  OrderSide,
  OrderType,
  OrderStatus,
  TimeInForce,
  RejectReason,
  PlaceOrderRequestSchema,
  isFinalStatus,
  rejectedOrder,
} from './order.ts';
export { strategyClientOrderId, manualClientOrderId } from './client-order-id.ts';
export { OrderPlaced, OrderFilled, OrderCancelled, OrderRejected, OrderEvents } from './events.ts';
export { orderTransitions } from './order-transitions.ts';
export { OrderDesk } from './order-desk.ts';
export { orderEnvelope, orderEventSourceName } from './order-envelope.ts';
export { InMemoryOrderJournal } from './order-journal.ts';
export { SqlOrderJournal } from './sql/sql-order-journal.ts';
export { createOrderEventOutbox } from './sql/order-event-outbox.ts';
export type { OrderEventOutbox, OrderEventOutboxOptions } from './sql/order-event-outbox.ts';
export { saveSealedCredentials, findSealedCredentials } from './sql/sql-credentials.ts';
export { sealVenueCredentials, openVenueCredentials, resealVenueCredentials } from './credentials.ts';
export { VenuesConfigSchema } from './config.ts';
export {
  BinanceSpotBroker,
  createBinanceSpotBroker,
  BINANCE_SPOT_VENUE,
} from './binance/binance-spot-broker.ts';
export {
  BinanceSpotConfigSchema,
  BINANCE_SPOT_TESTNET_URL,
  BINANCE_SPOT_URL,
  KeyPermissionsCheck,
} from './binance/config.ts';
export {
  BrokerErrorCodes,
  BrokerError,
  isBrokerOutcomeUnknownError,
  isBrokerOrderNotFoundError,
  isBrokerVenueUnavailableError,
  isBrokerLiveDisabledError,
  isBrokerWrongPortfolioError,
  isBrokerRequestInvalidError,
} from './errors.ts';
export type { Order, OrderFill, OrderOrigin, PlaceOrderRequest, PlaceOrderInput } from './order.ts';
export type { StrategyOrderKey } from './client-order-id.ts';
export type { OrderPlacedData, OrderFilledData, OrderCancelledData, OrderRejectedData } from './events.ts';
export type { OrderLifecycleEvent } from './order-transitions.ts';
export type { Broker, ClosableBroker, OrderRef, OpenOrdersQuery, Balance } from './broker.ts';
export type { BrokerErrorCode } from './errors.ts';
export type { BinanceSpotBrokerOptions } from './binance/binance-spot-broker.ts';
export type { BinanceSpotConfig, BinanceCredentials } from './binance/config.ts';
export type { OrderDeskOptions, PortfolioRiskView } from './order-desk.ts';
export type { OrderJournal } from './order-journal.ts';
export type { VenueCredentials, SealedVenueCredentials } from './credentials.ts';
export type { VenuesConfig } from './config.ts';
export type {
  PaperBar,
  PaperFillModel,
  PaperBroker,
  PaperBrokerOptions,
  LedgerPosition,
  PortfolioLedger,
  PortfolioLedgerReader,
} from './paper/paper-ports.ts';
