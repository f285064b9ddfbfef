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

/** Every indicator's parameters and their defaults: what a request may set, and nothing else. */
const DEFAULTS: Record<IndicatorName, Record<string, number>> = {
  sma: { period: 20 },
  ema: { period: 20 },
  wma: { period: 20 },
  rsi: { period: 14 },
  macd: { fast: 12, slow: 26, signal: 9 },
  bollinger: { period: 20, stddev: 2 },
  atr: { period: 14 },
  stochastic: { period: 14, signal: 3 },
  vwap: {},
  obv: {},
};

/** The parameters `name` runs with: the request's where it set them, the defaults elsewhere. */
export function indicatorParams(name: IndicatorName, p: IndicatorParams): Record<string, number> {
  return Object.fromEntries(
    Object.entries(DEFAULTS[name]).map(([key, fallback]) => [
      key,
      p[key as keyof IndicatorParams] ?? fallback,
    ]),
  );
}

/**
 * Candles before the first point an indicator needs so that the first point is what a series
 * computed over the whole history gives. Windowed ones (SMA, WMA, Bollinger, stochastic) need their
 * window exactly. Recursive ones never forget their seed: an EMA keeps (1 − 2/(n+1))^k of it after
 * k more candles, about e^−8 (0.03 %) after 4n; Wilder's smoothing (RSI, ATR) keeps (1 − 1/n)^k,
 * about e^−8 after 8n. VWAP and OBV are cumulative from the first candle returned, by definition.
 */
export function warmupBars(name: IndicatorName, used: Record<string, number>): number {
  switch (name) {
    case 'sma':
    case 'wma':
    case 'bollinger':
      return used.period! - 1;
    case 'stochastic':
      return used.period! + used.signal! - 2;
    case 'ema':
      return 4 * used.period!;
    case 'macd':
      return 4 * used.slow! + 4 * used.signal!;
    case 'rsi':
    case 'atr':
      return 8 * used.period!;
    case 'vwap':
    case 'obv':
      return 0;
  }
}

function compute(
  name: IndicatorName,
  c: Record<'open' | 'high' | 'low' | 'close' | 'volume', Float64Array>,
  u: Record<string, number>,
): Lines {
  switch (name) {
    case 'sma':
      return { value: sma(c.close, u.period!) };
    case 'ema':
      return { value: ema(c.close, u.period!) };
    case 'wma':
      return { value: wma(c.close, u.period!) };
    case 'rsi':
      return { value: rsi(c.close, u.period) };
    case 'macd':
      return { ...macd(c.close, u.fast, u.slow, u.signal) };
    case 'bollinger':
      return { ...bollinger(c.close, u.period, u.stddev) };
    case 'atr':
      return { value: atr(c.high, c.low, c.close, u.period) };
    case 'stochastic':
      return { ...stochastic(c.high, c.low, c.close, u.period, u.signal) };
    case 'vwap': {
      // Typical price, cumulative over the returned candles.
      const typical = c.close.map((close, i) => (c.high[i]! + c.low[i]! + close) / 3);
      return { value: vwap(typical, c.volume) };
    }
    case 'obv':
      return { value: obv(c.close, c.volume) };
  }
}

/**
 * Computes `name` over `candles` (ascending by open time) and answers a point for each candle from
 * index `from` on: the candles before it are the warm-up (see `warmupBars`).
 */
export function indicatorPoints(
  name: IndicatorName,
  candles: readonly Candle[],
  params: IndicatorParams,
  from = 0,
): IndicatorPoints {
  const used = indicatorParams(name, params);
  const column = (key: 'open' | 'high' | 'low' | 'close' | 'volume') =>
    Float64Array.from(candles, (k) => k[key]);
  const lines = compute(
    name,
    {
      open: column('open'),
      high: column('high'),
      low: column('low'),
      close: column('close'),
      volume: column('volume'),
    },
    used,
  );
  const entries = Object.entries(lines);
  const points = candles.slice(from).map((candle, k) => {
    const point: { time: number } & Record<string, number | null> = { time: candle.openTime };
    for (const [line, values] of entries) {
      const v = values[from + k]!;
      point[line] = Number.isFinite(v) ? v : null;
    }
    return point;
  });
  return { params: used, points };
}
