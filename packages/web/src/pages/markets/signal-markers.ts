/**
 * @module Live strategy signals as chart markers: which candle of the shown interval each signal
 * belongs to, and how it is drawn (buy below the bar, sell above).
 */
import type { SeriesMarker, UTCTimestamp } from 'lightweight-charts';
import type { Candle } from '@tickline/protocol';

/** A signal to mark: when it was decided (epoch ms), which way, and its words. */
export interface ChartSignal {
  time: number;
  side: 'buy' | 'sell';
  text: string;
}

/**
 * Markers for the signals that fall on a shown candle: each on the last candle that opened at or
 * before its time (a 1 m signal lands on the 1 s bar it closed in, or on the 1 h bar holding it),
 * none for a time before the first candle or after the last one closed. Sorted by time, as the
 * chart requires.
 */
export function signalMarkers(
  candles: readonly Candle[],
  signals: readonly ChartSignal[],
  colors: { buy: string; sell: string },
): SeriesMarker<UTCTimestamp>[] {
  const first = candles[0];
  const last = candles[candles.length - 1];
  if (first === undefined || last === undefined) return [];
  const markers: Array<SeriesMarker<UTCTimestamp> & { at: number }> = [];
  for (const signal of signals) {
    if (signal.time < first.openTime || signal.time > last.closeTime) continue;
    // Binary search: the last candle with openTime <= time.
    let lo = 0;
    let hi = candles.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (candles[mid]!.openTime <= signal.time) lo = mid;
      else hi = mid - 1;
    }
    const buy = signal.side === 'buy';
    markers.push({
      at: signal.time,
      time: Math.floor(candles[lo]!.openTime / 1000) as UTCTimestamp,
      position: buy ? 'belowBar' : 'aboveBar',
      shape: buy ? 'arrowUp' : 'arrowDown',
      color: buy ? colors.buy : colors.sell,
      text: signal.text,
    });
  }
  return markers.sort((a, b) => a.at - b.at).map(({ at: _at, ...marker }) => marker);
}
