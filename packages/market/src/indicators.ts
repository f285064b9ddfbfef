/**
 * @module The indicators alone: pure functions and streams that import nothing but the kernel's
 * error type. Strategy sandbox processes load this entry instead of the package's index, which
 * would pull in storage, the event log, NATS and Redis clients (about a thousand modules, most of
 * a sandbox process's 2 s start) for code that never runs there.
 */
export { sma, ema, wma } from './indicators/moving-averages.ts';
export { SmaStream, EmaStream, WmaStream } from './indicators/moving-average-streams.ts';
export { rsi, RsiStream } from './indicators/rsi.ts';
export { macd, MacdStream } from './indicators/macd.ts';
export { bollinger, BollingerStream } from './indicators/bollinger.ts';
export { atr, AtrStream } from './indicators/atr.ts';
export { stochastic, StochasticStream } from './indicators/stochastic.ts';
export { vwap, VwapStream, obv, ObvStream } from './indicators/volume.ts';
export { INDICATOR_PARAM_INVALID } from './indicators/shared.ts';
export type { MacdResult, MacdValue } from './indicators/macd.ts';
export type { BollingerResult, BollingerValue } from './indicators/bollinger.ts';
export type { StochasticResult, StochasticValue } from './indicators/stochastic.ts';
