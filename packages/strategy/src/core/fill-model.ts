/**
 * @module The fill model: at what price an order fills on a bar, or whether it fills at all.
 * Market orders fill at the bar's open; limit and stop orders fill when the bar's range reaches
 * their price, at the open instead when the bar opens beyond it (a gap). Slippage moves market
 * and stop fills against the order but never outside the bar's traded range.
 */
import type { Order, OrderSide, Slippage } from './types.ts';

/** `price` moved against `side` by the slippage model, clamped to the bar's [low, high]. */
export function slipped(
  side: OrderSide,
  price: number,
  high: number,
  low: number,
  slippage: Slippage,
): number {
  let moved: number;
  if (slippage.kind === 'none') return price;
  if (slippage.kind === 'bps') moved = price * (slippage.bps / 10_000);
  else moved = (high - low) * slippage.fraction;
  if (side === 'buy') {
    const p = price + moved;
    return p > high ? (high > price ? high : price) : p;
  }
  const p = price - moved;
  return p < low ? (low < price ? low : price) : p;
}

/**
 * The price a resting order fills at on a bar with this open/high/low, or `NaN` when the bar
 * does not reach it. Slippage is not applied here (see {@link slipped}).
 */
export function crossingPrice(order: Order, open: number, high: number, low: number): number {
  const p = order.price;
  if (order.type === 'limit') {
    // A buy limit fills at its price or better: at the open when the bar opens below it.
    if (order.side === 'buy') return low <= p ? (open < p ? open : p) : NaN;
    return high >= p ? (open > p ? open : p) : NaN;
  }
  // Stops trigger when the price trades through them; a gap fills at the (worse) open.
  if (order.side === 'buy') return high >= p ? (open > p ? open : p) : NaN;
  return low <= p ? (open < p ? open : p) : NaN;
}
