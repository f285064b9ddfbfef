/**
 * @module @tickline/trading — live strategy runs (live/, live-http/), the order desk and the broker
 * port with its paper and Binance spot adapters (broker/, paper/), portfolios (portfolio/), pre-trade
 * risk with the kill switch (risk/), the live-vs-backtest parity report (parity/) and each new
 * account's paper-portfolio snapshot (accounts/, seed 002). Strategies, their versions, the engine
 * and the sandbox are `@tickline/strategy`'s; this package runs them against a venue.
 */
// The trading module (config section `trading`) and the accounts module (seed 002's snapshot flow).
export { tradingModule, tradingRoutes } from './module/trading-module.ts';
export { createTradingHost } from './module/trading-host.ts';
export { TradingSettingsSchema, LiveSettingsSchema, tradingConfig } from './module/trading-settings.ts';
export { TRADING_EVENTS } from './module/trading-events.ts';
export { tradingDelivery, tradingDeliveryFor, TRADING_DELIVERY_CONSUMER } from './module/trading-delivery.ts';
export { composeLive } from './module/live-composition.ts';
export { sqlCandleHistory } from './live/candle-history.ts';
export { TRADING_MIGRATIONS_DIR } from './migrations-dir.ts';
export type { TradingHost, TradingHostDeps } from './module/trading-host.ts';
export type { TradingSettings, LiveSettings, TierLiveLimits } from './module/trading-settings.ts';
export type { LiveComposition, LiveCompositionDeps } from './module/live-composition.ts';
export { accountsModule } from './accounts/accounts-module.ts';
export { createAccountsHost } from './accounts/accounts-host.ts';
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
// Broker port and pre-trade risk (issue 11); paper venue, portfolios and live runs.
export * from './broker/index.ts';
export * from './risk/index.ts';
export * from './paper/index.ts';
export * from './portfolio/index.ts';
export * from './live/index.ts';
export * from './live-http/index.ts';
