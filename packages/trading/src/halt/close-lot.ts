/**
 * @module How much of an open position a flatten's closing market order may ask for at a venue
 * (pure): the venue refuses a quantity off its lot step (Binance LOT_SIZE `stepSize`), under its
 * `minQty`, or worth less than its minimum notional — and a position bought with the fee taken in
 * the base asset is rarely on the step. The close is rounded down to the step; what is left under
 * it is dust: it stays at the venue, the proof names it, and it is not an open position.
 */
import type { LotRules } from '../broker/broker.ts';

export type { LotRules };

/** A close's quantity and the dust it leaves. */
export interface CloseLot {
  /** What the closing order asks for: 0 when no order can be sent (all of it is dust). */
  quantity: number;
  /** What stays open under the venue's filters. */
  dust: number;
}

/** Decimal places of `step` (0.001 → 3), so a rounded quantity is printed without float noise. */
function decimalsOf(step: number): number {
  for (let d = 0; d <= 12; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-9) return d;
  return 12;
}

/**
 * The close of a position of `quantity` (unsigned) under `rules` at about `price` (the mark; the
 * notional check is skipped when no price is known). Without rules the whole position is closed.
 */
export function closeLot(quantity: number, rules: LotRules | undefined, price: number | undefined): CloseLot {
  if (rules === undefined || !(rules.stepSize > 0)) return { quantity, dust: 0 };
  const decimals = decimalsOf(rules.stepSize);
  // Down to the step, within float noise: 0.0299999999 of a 0.0001 step is 300 steps, not 299.
  const steps = Math.floor(quantity / rules.stepSize + 1e-9);
  const rounded = Number((steps * rules.stepSize).toFixed(decimals));
  const tooSmall =
    rounded <= 0 ||
    rounded < rules.minQty ||
    (price !== undefined && price > 0 && rounded * price < rules.minNotional);
  if (tooSmall) return { quantity: 0, dust: quantity };
  // The remainder, cleaned of the subtraction's float noise (far below any venue's finest step).
  const dust = Math.max(0, Number((quantity - rounded).toFixed(12)));
  return { quantity: rounded, dust };
}
