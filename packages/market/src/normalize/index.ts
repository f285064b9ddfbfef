/** @module Normalization: symbol naming, numeric parsing, trade validation with reason codes. */
export { KNOWN_QUOTES, isCanonicalSymbol, toCanonicalSymbol, toVenueSymbol } from './symbols.ts';
export { EQUITY_EXCHANGES, isEquitySymbol, parseEquitySymbol, toEquitySymbol } from './equity-symbols.ts';
export { parseDecimal, parseTimestampMs } from './parse-number.ts';
export { RejectReason, validateTrade, DEFAULT_MAX_FUTURE_MS, DEFAULT_MAX_PAST_MS } from './validate-trade.ts';
export { createTradeValidator } from './trade-validator.ts';
export type { RawTrade, ValidationRules, ValidationResult } from './validate-trade.ts';
export type { TradeValidator, TradeValidatorOptions } from './trade-validator.ts';
export type { EquityExchange, EquitySymbol } from './equity-symbols.ts';
