/**
 * @module `ctx.ta`: the indicators of `@tickline/market`, batch and streaming. The sandbox links
 * the same source files into the isolate, so a strategy gets the very same functions there.
 */
import {
  atr,
  AtrStream,
  bollinger,
  BollingerStream,
  ema,
  EmaStream,
  macd,
  MacdStream,
  obv,
  ObvStream,
  rsi,
  RsiStream,
  sma,
  SmaStream,
  stochastic,
  StochasticStream,
  vwap,
  VwapStream,
  wma,
  WmaStream,
} from '@tickline/market/indicators';

/** The indicator namespace handed to strategies. */
export const indicators = Object.freeze({
  sma,
  ema,
  wma,
  rsi,
  macd,
  bollinger,
  atr,
  stochastic,
  vwap,
  obv,
  SmaStream,
  EmaStream,
  WmaStream,
  RsiStream,
  MacdStream,
  BollingerStream,
  AtrStream,
  StochasticStream,
  VwapStream,
  ObvStream,
});

export type Indicators = typeof indicators;
