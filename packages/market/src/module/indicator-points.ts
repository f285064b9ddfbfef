/**
 * @module Indicator values over stored candles, with the market package's batch functions: one
 * point per candle (its open time), `null` during the warm-up. Defaults are the usual ones
 * (SMA 20, RSI 14, MACD 12/26/9, Bollinger 20/2σ, ATR 14, stochastic 14/3).
 */
import { atr } from '../indicators/atr.ts';
import { bollinger } from '../indicators/bollinger.ts';
import { macd } from '../indicators/macd.ts';
import { ema, sma, wma } from '../indicators/moving-averages.ts';
import { rsi } from '../indicators/rsi.ts';
import { stochastic } from '../indicators/stochastic.ts';
import { obv, vwap } from '../indicators/volume.ts';
import type { Candle } from '../port/market-message.ts';
import type { IndicatorName } from './market-route-schemas.ts';

/** Parameters a request may set; missing ones take the indicator's default. */
export interface IndicatorParams {
  period?: number | undefined;
  fast?: number | undefined;
  slow?: number | undefined;
  signal?: number | undefined;
  stddev?: number | undefined;
}

/** The computed lines and the parameters actually used. */
export interface IndicatorPoints {
  params: Record<string, number>;
  points: Array<{ time: number } & Record<string, number | null>>;
}

type Lines = Record<string, ArrayLike<number>>;

function compute(
  name: IndicatorName,
  c: Record<'open' | 'high' | 'low' | 'close' | 'volume', Float64Array>,
  p: IndicatorParams,
): { params: Record<string, number>; lines: Lines } {
  switch (name) {
    case 'sma':
    case 'ema':
    case 'wma': {
      const period = p.period ?? 20;
      const fn = name === 'sma' ? sma : name === 'ema' ? ema : wma;
      return { params: { period }, lines: { value: fn(c.close, period) } };
    }
    case 'rsi': {
      const period = p.period ?? 14;
      return { params: { period }, lines: { value: rsi(c.close, period) } };
    }
    case 'macd': {
      const params = { fast: p.fast ?? 12, slow: p.slow ?? 26, signal: p.signal ?? 9 };
      return { params, lines: { ...macd(c.close, params.fast, params.slow, params.signal) } };
    }
    case 'bollinger': {
      const params = { period: p.period ?? 20, stddev: p.stddev ?? 2 };
      return { params, lines: { ...bollinger(c.close, params.period, params.stddev) } };
    }
    case 'atr': {
      const period = p.period ?? 14;
      return { params: { period }, lines: { value: atr(c.high, c.low, c.close, period) } };
    }
    case 'stochastic': {
      const params = { period: p.period ?? 14, signal: p.signal ?? 3 };
      return { params, lines: { ...stochastic(c.high, c.low, c.close, params.period, params.signal) } };
    }
    case 'vwap': {
      // Typical price, cumulative over the returned candles.
      const typical = c.close.map((close, i) => (c.high[i]! + c.low[i]! + close) / 3);
      return { params: {}, lines: { value: vwap(typical, c.volume) } };
    }
    case 'obv':
      return { params: {}, lines: { value: obv(c.close, c.volume) } };
  }
}

/** Computes `name` over `candles` (ascending by open time). */
export function indicatorPoints(
  name: IndicatorName,
  candles: readonly Candle[],
  params: IndicatorParams,
): IndicatorPoints {
  const column = (key: 'open' | 'high' | 'low' | 'close' | 'volume') =>
    Float64Array.from(candles, (k) => k[key]);
  const { params: used, lines } = compute(
    name,
    {
      open: column('open'),
      high: column('high'),
      low: column('low'),
      close: column('close'),
      volume: column('volume'),
    },
    params,
  );
  const entries = Object.entries(lines);
  const points = candles.map((candle, i) => {
    const point: { time: number } & Record<string, number | null> = { time: candle.openTime };
    for (const [line, values] of entries) {
      const v = values[i]!;
      point[line] = Number.isFinite(v) ? v : null;
    }
    return point;
  });
  return { params: used, points };
}
