/**
 * @module @tickline/market — market data: sources behind one port, normalization and validation,
 * candle aggregation and indicators. Domain math (candles, indicators) is pure and deterministic.
 */
export {};
