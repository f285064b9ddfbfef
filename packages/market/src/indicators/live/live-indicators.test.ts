import { describe, expect, it } from 'vitest';
import type { Candle } from '../../port/market-message.ts';
import { bollinger } from '../bollinger.ts';
import { macd } from '../macd.ts';
import { ema, sma } from '../moving-averages.ts';
import { randomWalkOhlcv } from '../random-walk.ts';
import { rsi } from '../rsi.ts';
import { LiveIndicators } from './live-indicators.ts';

const MINUTE = 60_000;

function candle(i: number, close: number, interval: Candle['interval'] = '1m'): Candle {
  return {
    exchange: 'sim',
    symbol: 'BTC-USDT',
    interval,
    openTime: i * MINUTE,
    closeTime: (i + 1) * MINUTE,
    open: close,
    high: close,
    low: close,
    close,
    volume: 1,
    quoteVolume: close,
    trades: 1,
    incomplete: false,
    revision: 0,
  };
}

const near = (a: number | null, b: number) =>
  Number.isNaN(b) ? a === null : Math.abs(a! - b) < 1e-9 * Math.max(1, Math.abs(b));

describe('live indicators', () => {
  it('live indicators - forming revisions then the close give the batch values of the closes', () => {
    const closes = Array.from(randomWalkOhlcv(120, 7).close);
    const live = new LiveIndicators(['1m']);
    const last: ReturnType<LiveIndicators['onCandle']>[] = [];
    closes.forEach((close, i) => {
      // Two forming updates with other prices, then the real close: only the last may count.
      live.onCandle(candle(i, close * 1.01));
      live.onCandle(candle(i, close * 0.99));
      last.push(live.onCandle(candle(i, close)));
    });
    const s = sma(closes, 20);
    const e = ema(closes, 20);
    const r = rsi(closes, 14);
    const m = macd(closes, 12, 26, 9);
    const b = bollinger(closes, 20, 2);
    for (let i = 0; i < closes.length; i++) {
      const v = last[i]!;
      expect(near(v.sma, s[i]!), `sma ${i}`).toBe(true);
      expect(near(v.ema, e[i]!), `ema ${i}`).toBe(true);
      expect(near(v.rsi, r[i]!), `rsi ${i}`).toBe(true);
      expect(near(v.macdHistogram, m.histogram[i]!), `macd ${i}`).toBe(true);
      expect(near(v.bollingerUpper, b.upper[i]!), `bollinger ${i}`).toBe(true);
    }
    expect(last[0]!.sma).toBeNull();
    expect(last[119]!.macdSignal).not.toBeNull();
  });

  it('live indicators - other intervals, and revisions of an older bar, give nothing', () => {
    const live = new LiveIndicators(['1m']);
    expect(live.onCandle(candle(0, 100, '1s'))).toBeUndefined();
    expect(live.onCandle(candle(5, 100))).toBeDefined();
    expect(live.onCandle(candle(4, 101))).toBeUndefined();
    expect(new LiveIndicators([]).onCandle(candle(0, 100))).toBeUndefined();
  });
});
