/**
 * @module Share order rules per exchange: tick sizes, whole-share quantities and KRX's daily
 * price limits. KRX ticks (one table for KOSPI and KOSDAQ since 2023-01-25, KRX notice on the
 * unified tick size): under 2,000 KRW 1; to 5,000 5; to 20,000 10; to 50,000 50; to 200,000 100;
 * to 500,000 500; above 1,000. Daily limit ±30 % of the reference (previous close), the upper
 * limit rounded down and the lower rounded up to a tick. US (Reg NMS Rule 612): $0.01 from $1,
 * $0.0001 below. Both exchanges trade whole shares only.
 */
import { parseEquitySymbol } from '../normalize/equity-symbols.ts';

const KRX_TICKS: readonly (readonly [below: number, tick: number])[] = [
  [2_000, 1],
  [5_000, 5],
  [20_000, 10],
  [50_000, 50],
  [200_000, 100],
  [500_000, 500],
  [Number.POSITIVE_INFINITY, 1_000],
];

/** KRX's daily price band: ±30 % of the reference price. */
export const KRX_DAILY_LIMIT_RATIO = 0.3;

/** The tick of a KRX price. */
export function krxTickSize(price: number): number {
  return KRX_TICKS.find(([below]) => price < below)![1];
}

/** The tick at `price` for a share symbol; null for a symbol without exchange rules (crypto). */
export function tickSizeOf(symbol: string, price: number): number | null {
  const share = parseEquitySymbol(symbol);
  if (!share) return null;
  if (share.exchange === 'KS') return krxTickSize(price);
  return price >= 1 ? 0.01 : 0.0001;
}

/** True when `price` is a whole number of ticks (always for symbols without tick rules). */
export function isOnTick(symbol: string, price: number): boolean {
  const tick = tickSizeOf(symbol, price);
  if (tick === null) return true;
  const ticks = price / tick;
  // Cent ticks are not exact in binary: a price within a millionth of a tick is on it.
  return Math.abs(ticks - Math.round(ticks)) < 1e-6;
}

/** True for share symbols: their exchanges take whole-share quantities only. */
export function requiresWholeShares(symbol: string): boolean {
  return parseEquitySymbol(symbol) !== null;
}

/** KRX's lower and upper price limits for a day whose reference price is `referencePrice`. */
export function krxDailyLimits(referencePrice: number): { lower: number; upper: number } {
  const rawUpper = referencePrice * (1 + KRX_DAILY_LIMIT_RATIO);
  const rawLower = referencePrice * (1 - KRX_DAILY_LIMIT_RATIO);
  const upTick = krxTickSize(rawUpper);
  const lowTick = krxTickSize(rawLower);
  return {
    upper: Math.floor(rawUpper / upTick + 1e-9) * upTick,
    lower: Math.ceil(rawLower / lowTick - 1e-9) * lowTick,
  };
}
