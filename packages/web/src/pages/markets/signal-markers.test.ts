import type { Candle } from '@tickline/protocol';
import { describe, expect, it } from 'vitest';
import { signalMarkers } from './signal-markers.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12);
const candle = (i: number): Candle =>
  ({
    openTime: T0 + i * MINUTE,
    closeTime: T0 + (i + 1) * MINUTE - 1,
    open: 1,
    high: 1,
    low: 1,
    close: 1,
  }) as Candle;
const colors = { buy: 'green', sell: 'red' };

describe('signal markers', () => {
  it('signal markers - each signal on the candle it closed in, sorted by time, outside ones dropped', () => {
    const candles = [candle(0), candle(1), candle(2)];
    const markers = signalMarkers(
      candles,
      [
        { time: T0 + 2 * MINUTE - 1, side: 'sell', text: 'sell 1' },
        { time: T0 + MINUTE - 1, side: 'buy', text: 'buy 1' },
        { time: T0 - 1, side: 'buy', text: 'before' },
        { time: T0 + 3 * MINUTE, side: 'buy', text: 'after' },
      ],
      colors,
    );
    expect(markers).toEqual([
      { time: T0 / 1000, position: 'belowBar', shape: 'arrowUp', color: 'green', text: 'buy 1' },
      { time: (T0 + MINUTE) / 1000, position: 'aboveBar', shape: 'arrowDown', color: 'red', text: 'sell 1' },
    ]);
  });

  it('signal markers - none without candles', () => {
    expect(signalMarkers([], [{ time: T0, side: 'buy', text: 'x' }], colors)).toEqual([]);
  });
});
