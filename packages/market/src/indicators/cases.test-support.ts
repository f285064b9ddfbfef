/** @module Every indicator as a (batch, stream) pair over one OHLCV series, for the property tests. */
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
} from '../index.ts';
import type { OhlcvSeries } from './random-walk.ts';

/** One indicator: its batch outputs, and a stream fed bar `i` of a series. */
export interface IndicatorCase {
  name: string;
  batch(s: OhlcvSeries): Float64Array[];
  stream(): { update(s: OhlcvSeries, i: number): number[]; replace(s: OhlcvSeries, i: number): number[] };
}

/** Session key that changes every 50 bars, to exercise the VWAP reset. */
export function sessionOf(i: number): number {
  return Math.floor(i / 50);
}

function single<T extends { update(x: number): number; replace(x: number): number }>(make: () => T) {
  return () => {
    const st = make();
    return {
      update: (s: OhlcvSeries, i: number) => [st.update(s.close[i]!)],
      replace: (s: OhlcvSeries, i: number) => [st.replace(s.close[i]!)],
    };
  };
}

export const cases: IndicatorCase[] = [
  { name: 'sma', batch: (s) => [sma(s.close, 7)], stream: single(() => new SmaStream(7)) },
  { name: 'ema', batch: (s) => [ema(s.close, 7)], stream: single(() => new EmaStream(7)) },
  { name: 'wma', batch: (s) => [wma(s.close, 7)], stream: single(() => new WmaStream(7)) },
  { name: 'rsi', batch: (s) => [rsi(s.close, 5)], stream: single(() => new RsiStream(5)) },
  {
    name: 'macd',
    batch: (s) => {
      const r = macd(s.close, 4, 9, 3);
      return [r.macd, r.signal, r.histogram];
    },
    stream: () => {
      const st = new MacdStream(4, 9, 3);
      const out = (v: { macd: number; signal: number; histogram: number }) => [v.macd, v.signal, v.histogram];
      return {
        update: (s, i) => out(st.update(s.close[i]!)),
        replace: (s, i) => out(st.replace(s.close[i]!)),
      };
    },
  },
  {
    name: 'bollinger',
    batch: (s) => {
      const r = bollinger(s.close, 6, 2);
      return [r.middle, r.upper, r.lower];
    },
    stream: () => {
      const st = new BollingerStream(6, 2);
      const out = (v: { middle: number; upper: number; lower: number }) => [v.middle, v.upper, v.lower];
      return {
        update: (s, i) => out(st.update(s.close[i]!)),
        replace: (s, i) => out(st.replace(s.close[i]!)),
      };
    },
  },
  {
    name: 'atr',
    batch: (s) => [atr(s.high, s.low, s.close, 5)],
    stream: () => {
      const st = new AtrStream(5);
      return {
        update: (s, i) => [st.update(s.high[i]!, s.low[i]!, s.close[i]!)],
        replace: (s, i) => [st.replace(s.high[i]!, s.low[i]!, s.close[i]!)],
      };
    },
  },
  {
    name: 'stochastic',
    batch: (s) => {
      const r = stochastic(s.high, s.low, s.close, 5, 3);
      return [r.k, r.d];
    },
    stream: () => {
      const st = new StochasticStream(5, 3);
      const out = (v: { k: number; d: number }) => [v.k, v.d];
      return {
        update: (s, i) => out(st.update(s.high[i]!, s.low[i]!, s.close[i]!)),
        replace: (s, i) => out(st.replace(s.high[i]!, s.low[i]!, s.close[i]!)),
      };
    },
  },
  {
    name: 'vwap',
    batch: (s) => [
      vwap(
        s.close,
        s.volume,
        Float64Array.from(s.close, (_, i) => sessionOf(i)),
      ),
    ],
    stream: () => {
      const st = new VwapStream();
      return {
        update: (s, i) => [st.update(s.close[i]!, s.volume[i]!, sessionOf(i))],
        replace: (s, i) => [st.replace(s.close[i]!, s.volume[i]!, sessionOf(i))],
      };
    },
  },
  {
    name: 'obv',
    batch: (s) => [obv(s.close, s.volume)],
    stream: () => {
      const st = new ObvStream();
      return {
        update: (s, i) => [st.update(s.close[i]!, s.volume[i]!)],
        replace: (s, i) => [st.replace(s.close[i]!, s.volume[i]!)],
      };
    },
  },
];
