/**
 * @module The candles under a backtest's trade chart. The candles API answers at most 5,000 rows a
 * request, and the page asked once: on a longer run the chart held the first 5,000 bars and every
 * later trade's marker was snapped to the last of them — stacked in one column at the right edge
 * (issue 48). Here the range is read page by page to its end, and a trade outside the candles
 * read (a run longer than {@link MAX_CHART_BARS}) gets no marker rather than a wrong one.
 */

/** Rows one candles request returns at most (the market API's limit). */
export const CANDLES_PAGE = 5_000;
/** Bars the chart loads at most: a year of 5-minute bars; past it the first bars are shown. */
export const MAX_CHART_BARS = 120_000;

/** What the chart needs of a candle. */
export interface ChartCandle {
  openTime: number;
}

/**
 * Every candle in [from, to), oldest first, from `page(from, to, limit)` (the API: the first
 * `limit` candles from `from`), up to `max`.
 */
export async function loadRangeCandles<C extends ChartCandle>(
  page: (from: number, to: number, limit: number) => Promise<C[]>,
  from: number,
  to: number,
  max: number = MAX_CHART_BARS,
): Promise<C[]> {
  const all: C[] = [];
  let next = from;
  while (next < to && all.length < max) {
    const rows = await page(next, to, Math.min(CANDLES_PAGE, max - all.length));
    all.push(...rows);
    const last = rows[rows.length - 1];
    if (rows.length < CANDLES_PAGE || last === undefined || last.openTime < next) break;
    next = last.openTime + 1;
  }
  return all;
}

/**
 * Whether `time` falls on the candles loaded (a marker there is drawn at its own bar): from the
 * first bar's open to the last bar's close (its open plus the bar spacing).
 */
export function onCandles(candles: readonly ChartCandle[], time: number): boolean {
  const first = candles[0];
  const last = candles[candles.length - 1];
  if (first === undefined || last === undefined) return false;
  const bar = candles.length > 1 ? last.openTime - candles[candles.length - 2]!.openTime : 0;
  return time >= first.openTime && time <= last.openTime + bar;
}
