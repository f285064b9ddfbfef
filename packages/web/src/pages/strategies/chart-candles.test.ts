import { describe, expect, it } from 'vitest';
import { CANDLES_PAGE, loadRangeCandles, onCandles } from './chart-candles.ts';

const MIN = 60_000;
/** The candles API: the first `limit` one-minute candles from `from`, before `to`. */
function api(start: number, bars: number) {
  const calls: number[] = [];
  const page = async (from: number, to: number, limit: number) => {
    calls.push(from);
    const rows = [];
    for (let t = Math.ceil((from - start) / MIN) * MIN + start; t < to && t < start + bars * MIN; t += MIN) {
      if (rows.length === limit) break;
      rows.push({ openTime: t });
    }
    return rows;
  };
  return { page, calls };
}

describe('backtest chart candles', () => {
  it('reads a run past one page to its end, so a late trade sits on its own bar', async () => {
    const start = Date.UTC(2026, 0, 1);
    const bars = 12_345;
    const { page, calls } = api(start, bars);
    const candles = await loadRangeCandles(page, start, start + bars * MIN);
    expect(candles).toHaveLength(bars);
    expect(calls).toHaveLength(Math.ceil(bars / CANDLES_PAGE));
    expect(candles[bars - 1]!.openTime).toBe(start + (bars - 1) * MIN);
    // A trade at bar 9,000 is on the chart (it was past the first 5,000 and stacked at the edge).
    expect(onCandles(candles, start + 9_000 * MIN)).toBe(true);
    expect(onCandles(candles.slice(0, CANDLES_PAGE), start + 9_000 * MIN)).toBe(false);
  });

  it('stops at the cap and on an exact last page', async () => {
    const start = 0;
    const { page } = api(start, 2 * CANDLES_PAGE);
    expect(await loadRangeCandles(page, start, 3 * CANDLES_PAGE * MIN)).toHaveLength(2 * CANDLES_PAGE);
    expect(await loadRangeCandles(page, start, 3 * CANDLES_PAGE * MIN, 7_000)).toHaveLength(7_000);
    expect(onCandles([], 0)).toBe(false);
  });
});
