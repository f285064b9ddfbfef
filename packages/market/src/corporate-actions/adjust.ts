/**
 * @module Back-adjusting candles for corporate actions (pure: no I/O, no clock). The raw candles
 * stay stored as they traded; a read asks for them adjusted. A split of ratio r (shares after per
 * share before) divides every earlier price by r and multiplies its volume by r, so a 4-for-1 split
 * neither looks like a 75 % crash nor, in a backtest, gives a position a false loss. A cash
 * dividend d with the close c before its ex date multiplies every earlier price by 1 − d/c (the
 * CRSP total-return factor), so price changes then include what holders were paid.
 */

/** How a read adjusts candles: `none` (raw), `split` (splits only), `total` (splits and dividends). */
export const AdjustMode = { None: 'none', Split: 'split', Total: 'total' } as const;
export type AdjustMode = (typeof AdjustMode)[keyof typeof AdjustMode];
export const ADJUST_MODES = Object.values(AdjustMode) as [AdjustMode, ...AdjustMode[]];

/** What kinds of action there are. */
export const CorporateActionKind = { Split: 'split', Dividend: 'dividend' } as const;
export type CorporateActionKind = (typeof CorporateActionKind)[keyof typeof CorporateActionKind];

/** A stored corporate action. */
export interface CorporateAction {
  id: number;
  symbol: string;
  kind: CorporateActionKind;
  /** `YYYY-MM-DD` in the exchange's zone. */
  exDate: string;
  /** The first instant of the ex date (ms): candles opening before it are adjusted. */
  exTime: number;
  /** Split: shares after per share before. */
  ratio: number | null;
  /** Dividend: cash per share. */
  amount: number | null;
  source: string;
  /** `flagged` actions contradict the stored prices and are not applied (see `reason`). */
  status: 'applied' | 'flagged';
  reason: string | null;
  /** The data version that stored it. */
  dataVersion: number;
}

/** One factor: prices of candles opening before `exTime` are multiplied by `price`, volumes by `volume`. */
export interface Adjustment {
  exTime: number;
  price: number;
  volume: number;
}

/** The candle fields an adjustment changes. */
export interface PriceBar {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * The factors of `actions` under `mode`. A dividend needs the close before its ex date:
 * `closeBefore(exTime)` gives it (undefined when no candle precedes it, and then no candle in the
 * range is before it either, so nothing changes). Flagged actions are left out.
 */
export function adjustmentsOf(
  actions: readonly CorporateAction[],
  mode: AdjustMode,
  closeBefore: (exTime: number) => number | undefined = () => undefined,
): Adjustment[] {
  if (mode === AdjustMode.None) return [];
  const out: Adjustment[] = [];
  for (const a of actions) {
    if (a.status !== 'applied') continue;
    if (a.kind === CorporateActionKind.Split && a.ratio !== null && a.ratio > 0) {
      out.push({ exTime: a.exTime, price: 1 / a.ratio, volume: a.ratio });
    } else if (mode === AdjustMode.Total && a.kind === CorporateActionKind.Dividend && a.amount !== null) {
      const close = closeBefore(a.exTime);
      if (close !== undefined && close > a.amount) out.push({ exTime: a.exTime, price: 1 - a.amount / close, volume: 1 });
    }
  }
  return out.sort((a, b) => a.exTime - b.exTime);
}

/**
 * `bars` with every adjustment applied to those opening before its ex time (the factors of all
 * later actions multiply). Returns new objects; bars after the last action come back unchanged.
 * @example
 * adjustBars([{ openTime: 0, open: 400, high: 400, low: 400, close: 400, volume: 1 }],
 *   [{ exTime: 1, price: 0.25, volume: 4 }]); // → open 100, volume 4
 */
export function adjustBars<T extends PriceBar>(bars: readonly T[], adjustments: readonly Adjustment[]): T[] {
  if (adjustments.length === 0) return [...bars];
  return bars.map((bar) => {
    const { price, volume } = factorAt(adjustments, bar.openTime);
    if (price === 1 && volume === 1) return bar;
    return {
      ...bar,
      open: bar.open * price,
      high: bar.high * price,
      low: bar.low * price,
      close: bar.close * price,
      volume: bar.volume * volume,
    };
  });
}

/** The price and volume factors for a bar opening at `openTime`: those of every action after it. */
export function factorAt(adjustments: readonly Adjustment[], openTime: number): { price: number; volume: number } {
  let price = 1;
  let volume = 1;
  for (const a of adjustments) {
    if (openTime < a.exTime) {
      price *= a.price;
      volume *= a.volume;
    }
  }
  return { price, volume };
}

/**
 * Why a split of `ratio` contradicts the prices around its ex date, or null when it does not: the
 * jump from the close before (`closeBefore`) to the open after (`openAfter`) must be nearer the
 * ratio than no jump at all (on a log scale). A 2-for-1 split with the price going 100 → 99 is a
 * mistake in the data (or a wrong date), and applying it would halve every earlier price.
 */
export function splitContradiction(ratio: number, closeBefore: number, openAfter: number): string | null {
  if (!(closeBefore > 0 && openAfter > 0)) return null;
  const jump = Math.log(closeBefore / openAfter);
  if (Math.abs(jump - Math.log(ratio)) <= Math.abs(jump)) return null;
  return `no price jump at the split: close ${closeBefore} before the ex date, open ${openAfter} on it, where a ratio of ${ratio} expects about ${+(closeBefore / ratio).toPrecision(6)}`;
}
