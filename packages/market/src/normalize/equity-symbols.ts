/**
 * @module Equity symbols: `TICKER.EXCHANGE` (`AAPL.US`, `BRK.B.US`, `005930.KS`). The suffix names
 * the exchange whose calendar the symbol trades on and, through it, its currency; crypto pairs
 * stay `BASE-QUOTE`.
 */

/** Exchange suffixes of equity symbols and the currency each trades in. */
export const EQUITY_EXCHANGES = Object.freeze({
  US: { currency: 'USD', name: 'NYSE / Nasdaq' },
  KS: { currency: 'KRW', name: 'Korea Exchange' },
} as const);
export type EquityExchange = keyof typeof EQUITY_EXCHANGES;

/** A ticker (a share class after one dot, as `BRK.B`), then the exchange suffix. */
const EQUITY = /^([A-Z0-9]{1,12}(?:\.[A-Z])?)\.(US|KS)$/;
/** KRX tickers are six digits (short codes); anything else is not a listed share there. */
const KRX_TICKER = /^\d{6}$/;

/** A parsed equity symbol. */
export interface EquitySymbol {
  readonly ticker: string;
  readonly exchange: EquityExchange;
  readonly currency: string;
}

/** The parts of an equity symbol, or null when `symbol` is not one. */
export function parseEquitySymbol(symbol: string): EquitySymbol | null {
  const m = EQUITY.exec(symbol);
  if (!m) return null;
  const exchange = m[2] as EquityExchange;
  if (exchange === 'KS' && !KRX_TICKER.test(m[1]!)) return null;
  return { ticker: m[1]!, exchange, currency: EQUITY_EXCHANGES[exchange].currency };
}

/** True for a well-formed equity symbol in upper case. */
export function isEquitySymbol(symbol: string): boolean {
  return parseEquitySymbol(symbol) !== null;
}

/** The canonical symbol of a venue ticker listed on `exchange`, or null when it is malformed. */
export function toEquitySymbol(ticker: string, exchange: EquityExchange): string | null {
  const symbol = `${ticker.trim().toUpperCase()}.${exchange}`;
  return isEquitySymbol(symbol) ? symbol : null;
}
