/**
 * @module Chart indicators over closing prices, recomputed in the browser as live candles arrive
 * (the web app may import only the SDK, so these are small and local; the server's
 * `/markets/{symbol}/indicators` computes the same over stored candles). `null` in the warm-up.
 */

export type Line = Array<number | null>;

export function sma(values: readonly number[], period: number): Line {
  const out: Line = new Array<number | null>(values.length).fill(null);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    if (i >= period) sum -= values[i - period]!;
    if (i >= period - 1) out[i] = sum / period;
  }
  return out;
}

/** EMA seeded with the SMA of the first `period` values. */
export function ema(values: readonly number[], period: number): Line {
  const out: Line = new Array<number | null>(values.length).fill(null);
  const k = 2 / (period + 1);
  let previous: number | undefined;
  for (let i = 0; i < values.length; i++) {
    if (i < period - 1) continue;
    if (previous === undefined) {
      let sum = 0;
      for (let j = i - period + 1; j <= i; j++) sum += values[j]!;
      previous = sum / period;
    } else previous = values[i]! * k + previous * (1 - k);
    out[i] = previous;
  }
  return out;
}

export function bollinger(
  values: readonly number[],
  period: number,
  width: number,
): { upper: Line; middle: Line; lower: Line } {
  const middle = sma(values, period);
  const upper: Line = new Array<number | null>(values.length).fill(null);
  const lower: Line = new Array<number | null>(values.length).fill(null);
  for (let i = period - 1; i < values.length; i++) {
    const mean = middle[i]!;
    let squares = 0;
    for (let j = i - period + 1; j <= i; j++) squares += (values[j]! - mean) ** 2;
    const deviation = Math.sqrt(squares / period);
    upper[i] = mean + width * deviation;
    lower[i] = mean - width * deviation;
  }
  return { upper, middle, lower };
}

/** Wilder's RSI. */
export function rsi(values: readonly number[], period: number): Line {
  const out: Line = new Array<number | null>(values.length).fill(null);
  let gain = 0;
  let loss = 0;
  for (let i = 1; i < values.length; i++) {
    const change = values[i]! - values[i - 1]!;
    const up = Math.max(change, 0);
    const down = Math.max(-change, 0);
    if (i <= period) {
      gain += up / period;
      loss += down / period;
      if (i < period) continue;
    } else {
      gain = (gain * (period - 1) + up) / period;
      loss = (loss * (period - 1) + down) / period;
    }
    out[i] = loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
  }
  return out;
}

export function macd(
  values: readonly number[],
  fast: number,
  slow: number,
  signalPeriod: number,
): { macd: Line; signal: Line; histogram: Line } {
  const fastLine = ema(values, fast);
  const slowLine = ema(values, slow);
  const line: Line = values.map((_, i) =>
    fastLine[i] == null || slowLine[i] == null ? null : fastLine[i] - slowLine[i],
  );
  const start = line.findIndex((v) => v !== null);
  const signal: Line = new Array<number | null>(values.length).fill(null);
  if (start >= 0) {
    const tail = ema(line.slice(start) as number[], signalPeriod);
    tail.forEach((v, i) => (signal[start + i] = v));
  }
  const histogram: Line = line.map((v, i) => (v === null || signal[i] == null ? null : v - signal[i]));
  return { macd: line, signal, histogram };
}
