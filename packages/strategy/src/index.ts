/** @module @tickline/strategy (being built). */
// Broker port and pre-trade risk (issue 11).
export * from './broker/index.ts';
export * from './risk/index.ts';
