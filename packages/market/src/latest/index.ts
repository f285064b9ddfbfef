/** @module The latest-value store. */
export { LatestStore } from './latest-store.ts';
export { RollingWindow, MINUTE_MS, DAY_MS } from './rolling-window.ts';
export type { Ticker, LatestSnapshot, LatestStoreOptions } from './latest-store.ts';
export type { RollingStats } from './rolling-window.ts';
