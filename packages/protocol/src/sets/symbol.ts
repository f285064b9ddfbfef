/**
 * @module Symbols on the wire: one pattern every route, GraphQL input and config takes, so a share
 * accepted by the market is not refused by the order or backtest route. A crypto pair is
 * `BASE-QUOTE` in capitals (`BTC-USDT`); a share is `TICKER.EXCHANGE` (`AAPL.US`, `BRK.B.US`,
 * `005930.KS`: KRX tickers are six digits). The market package parses shares further
 * (currency, calendar) from the same patterns.
 */
import { z } from 'zod';

/** A crypto pair's pattern source, without anchors (composable into larger patterns). */
export const CRYPTO_PAIR_PATTERN = '[A-Z0-9]{1,20}-[A-Z0-9]{1,20}';
/** A share's pattern source, without anchors: a ticker (a class after one dot), its exchange. */
export const SHARE_SYMBOL_PATTERN = '(?:[A-Z0-9]{1,12}(?:\\.[A-Z])?\\.US|\\d{6}\\.KS)';
/** Either kind of symbol, without anchors (a gate feed is `SYMBOL:INTERVAL`). */
export const SYMBOL_PATTERN = `(?:${CRYPTO_PAIR_PATTERN}|${SHARE_SYMBOL_PATTERN})`;
/** A whole canonical symbol. */
export const SYMBOL_RE = new RegExp(`^${SYMBOL_PATTERN}$`);

/** A canonical symbol: `BASE-QUOTE` or `TICKER.EXCHANGE`, upper case. */
export const SymbolSchema = z
  .string()
  .regex(
    SYMBOL_RE,
    'expected a canonical symbol: BASE-QUOTE (BTC-USDT) or TICKER.EXCHANGE (AAPL.US, 005930.KS)',
  );
