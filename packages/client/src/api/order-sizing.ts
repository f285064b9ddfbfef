/**
 * @module Order size from a percentage: the API takes a quantity in base units, and a ticket that
 * offers "25 % of cash" (buy) or "50 % of the position" (sell) converts here, rounded down so the
 * order never asks for more than the percentage.
 */

/** What {@link orderQuantityFor} needs. */
export interface OrderSizing {
  side: 'buy' | 'sell';
  /** 0 < percent ≤ 100. */
  percent: number;
  /** Free cash in quote (buy). */
  cash: number;
  /** The price a buy is sized at: the limit or trigger, or the last trade for a market order. */
  price?: number;
  /** Base units held (sell). */
  positionQuantity: number;
  /** Fee rate to leave room for on a buy (0.001 = 0.1 %). @default 0 */
  feeRate?: number;
}

/** Base-unit decimals of a sized quantity (satoshi precision). */
const QUANTITY_DECIMALS = 8;

/**
 * The base quantity for a percentage of cash (buy) or of the long position (sell); 0 when it
 * cannot be sized (no price, nothing held, a percentage out of range).
 * @example orderQuantityFor({ side: 'buy', percent: 50, cash: 10_000, price: 20_000, positionQuantity: 0 }) // 0.25
 */
export function orderQuantityFor(o: OrderSizing): number {
  if (!(o.percent > 0 && o.percent <= 100)) return 0;
  const share = o.percent / 100;
  let raw: number;
  if (o.side === 'sell') raw = Math.max(0, o.positionQuantity) * share;
  else {
    if (o.price === undefined || !(o.price > 0) || !(o.cash > 0)) return 0;
    raw = (o.cash * share) / (o.price * (1 + (o.feeRate ?? 0)));
  }
  const scale = 10 ** QUANTITY_DECIMALS;
  // The epsilon keeps 0.3 from flooring to 0.29999999 through binary rounding.
  const quantity = Math.floor(raw * scale + 1e-6) / scale;
  return Number.isFinite(quantity) && quantity > 0 ? quantity : 0;
}
