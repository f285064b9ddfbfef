/**
 * @module The pre-trade risk check: pure, so a backtest, the paper broker and a live venue apply
 * the same rules to the same numbers. Orders that reduce a position pass the position-value and
 * daily-loss limits (a limit must never trap a portfolio in the position it is trying to leave);
 * the kill switch and the order rate stop everything.
 */
import type { OrderSide, OrderType } from '../broker/order.ts';
import { isHaltClose } from '../halt/halt-proof.ts';
import { isKillSwitchEngaged, type KillSwitchState } from './kill-switch.ts';
import { ordersInWindow } from './order-rate.ts';
import { RiskLimitName, type RiskLimits } from './risk-limits.ts';

/** The order being checked. */
export interface RiskOrder {
  symbol: string;
  side: OrderSide;
  type: OrderType;
  quantity: number;
  price?: number;
  /** The idempotency key: a halt's closing order (halt-proof.ts) passes an engaged switch. */
  clientOrderId?: string;
}

/** What the portfolio looks like now (from the portfolio ledger; see `PortfolioRiskView`). */
export interface RiskSnapshot {
  /** Signed base quantity held in the order's symbol (> 0 long). */
  positionQuantity: number;
  /** Latest trade price of the symbol. */
  markPrice: number;
  /** Equity at 00:00 UTC today, and now, both marked to market. */
  dayStartEquity: number;
  equity: number;
  /** Epoch ms of the portfolio's orders in the last minute, oldest first. */
  recentOrderTimes: readonly number[];
}

/** The verdict. */
export type RiskDecision =
  | { allowed: true }
  | { allowed: false; reason: 'kill_switch'; detail: string }
  | { allowed: false; reason: 'risk_limit'; limit: RiskLimitName; detail: string };

/** Checks one order against the limits and the kill switch, at `now` (epoch ms). */
export function checkOrder(
  order: RiskOrder,
  limits: RiskLimits,
  snapshot: RiskSnapshot,
  killSwitch: KillSwitchState,
  now: number,
): RiskDecision {
  const signed = order.side === 'buy' ? order.quantity : -order.quantity;
  const before = snapshot.positionQuantity;
  const after = before + signed;
  // Reducing: the order moves the position towards zero without crossing past its size.
  const reducing = Math.abs(after) < Math.abs(before) && Math.sign(after) !== -Math.sign(before);
  if (isKillSwitchEngaged(killSwitch)) {
    // The flatten of the switch itself: a market order that only closes what is held. It passes
    // the switch and every limit (a limit must never keep a halted portfolio in its position).
    if (
      reducing &&
      order.type === 'market' &&
      order.clientOrderId !== undefined &&
      isHaltClose(order.clientOrderId)
    )
      return { allowed: true };
    const by = killSwitch.admin ? 'an admin' : 'the owner';
    return { allowed: false, reason: 'kill_switch', detail: `the kill switch is engaged by ${by}` };
  }
  if (limits.maxOrdersPerMinute > 0) {
    const recent = ordersInWindow(snapshot.recentOrderTimes, now).length;
    if (recent >= limits.maxOrdersPerMinute) return orderRateRefusal(recent, limits.maxOrdersPerMinute);
  }
  if (reducing) return { allowed: true };

  if (limits.maxDailyLoss > 0) {
    const loss = snapshot.dayStartEquity - snapshot.equity;
    if (loss >= limits.maxDailyLoss) {
      return refuse(
        RiskLimitName.MaxDailyLoss,
        `lost ${round(loss)} today (limit ${limits.maxDailyLoss}); only reducing orders pass`,
      );
    }
  }
  if (limits.maxDailyLossPercent > 0 && snapshot.dayStartEquity > 0) {
    const loss = snapshot.dayStartEquity - snapshot.equity;
    const percent = (100 * loss) / snapshot.dayStartEquity;
    if (percent >= limits.maxDailyLossPercent) {
      return refuse(
        RiskLimitName.MaxDailyLossPercent,
        `lost ${round(percent)}% today (limit ${limits.maxDailyLossPercent}%); only reducing orders pass`,
      );
    }
  }
  // A resting buy is valued at the higher of its price and the mark (the worst it can cost).
  const price = order.type === 'market' ? snapshot.markPrice : Math.max(order.price ?? 0, snapshot.markPrice);
  if (limits.maxOrderNotional > 0) {
    const notional = order.quantity * price;
    if (notional > limits.maxOrderNotional) {
      return refuse(
        RiskLimitName.MaxOrderNotional,
        `the order is worth ${round(notional)} (limit ${limits.maxOrderNotional})`,
      );
    }
  }
  if (limits.maxPositionValue > 0) {
    const value = Math.abs(after) * price;
    if (value > limits.maxPositionValue) {
      return refuse(
        RiskLimitName.MaxPositionValue,
        `position in ${order.symbol} would be worth ${round(value)} (limit ${limits.maxPositionValue})`,
      );
    }
  }
  if (limits.maxPositionPercent > 0 && snapshot.equity > 0) {
    const percent = (100 * Math.abs(after) * price) / snapshot.equity;
    // A hair of slack: an order sized to exactly the equity must not fail on rounding.
    if (percent > limits.maxPositionPercent * (1 + PERCENT_SLACK)) {
      return refuse(
        RiskLimitName.MaxPositionPercent,
        `position in ${order.symbol} would be ${round(percent)}% of equity (limit ${limits.maxPositionPercent}%)`,
      );
    }
  }
  return { allowed: true };
}

/** The refusal of an order past `limit` orders in the window (`recent` already in it). */
export function orderRateRefusal(recent: number, limit: number): RiskDecision {
  return refuse(RiskLimitName.MaxOrdersPerMinute, `${recent} orders in the last minute (limit ${limit})`);
}

/** Relative slack of the percent-of-equity check (float rounding of quantity × price). */
const PERCENT_SLACK = 1e-9;

function refuse(limit: RiskLimitName, detail: string): RiskDecision {
  return { allowed: false, reason: 'risk_limit', limit, detail };
}

function round(value: number): string {
  return value.toFixed(2);
}
