/**
 * @module How the portfolio pages word things: money and quantities, order statuses as pills, and
 * every refusal reason and error code an order ticket can meet as a sentence that says what to do.
 */
import {
  isTicklineApiError,
  type Order,
  type PortfolioRiskLimits,
  type RejectReason,
} from '@tickline/client';
import { errorMessage } from '../../components/states.tsx';

/** The quote currency of the paper venue's symbols (`BASE-USDT`): shown as dollars. */
const CURRENCY = 'USD';

export function formatUsd(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: CURRENCY }).format(value);
}

/** A signed amount with its sign always shown (P&L). */
export function formatPnl(value: number): string {
  const text = formatUsd(Math.abs(value));
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}

/**
 * A position's realized P&L after the fees of what was closed: the fees that entered the quantity
 * still held are a cost of the open position, not a realized loss (a lone buy realizes nothing).
 */
export function realizedAfterFees(p: { realizedPnl: number; fees: number; openFees?: number }): number {
  return p.realizedPnl - p.fees + (p.openFees ?? 0);
}

export function pnlClass(value: number): string {
  return value > 0 ? 'up' : value < 0 ? 'down' : '';
}

/** Base quantity with as many decimals as it needs (at most 8). */
export function formatQuantity(value: number): string {
  return value.toLocaleString(undefined, { maximumFractionDigits: 8 });
}

export const STATUS_PILL: Record<Order['status'], string> = {
  new: 'pill pill-warn',
  partially_filled: 'pill pill-warn',
  filled: 'pill pill-good',
  cancelled: 'pill',
  rejected: 'pill pill-bad',
};

export const STATUS_LABEL: Record<Order['status'], string> = {
  new: 'open',
  partially_filled: 'partly filled',
  filled: 'filled',
  cancelled: 'cancelled',
  rejected: 'rejected',
};

const REASONS: Record<RejectReason, string> = {
  insufficient_funds: 'Not enough cash (or not enough of the asset to sell). Lower the quantity.',
  unknown_symbol: 'This symbol is not traded on the paper venue. Pick a listed market.',
  market_closed: 'This market is not trading right now.',
  invalid_order: 'The quantity or price breaks the venue’s rules.',
  risk_limit:
    'A risk limit of your portfolio refused it (position size, order value, daily loss or orders per minute).',
  kill_switch: 'The kill switch is on: new orders are refused until it is released.',
  rate_limited: 'Too many orders at once. Wait a moment and retry.',
  clock_skew: 'The venue refused the request’s timestamp. Retry.',
  auth_failed: 'The venue refused the credentials.',
  venue_error: 'The venue refused the order.',
};

/** A sentence for a rejection reason. */
export function rejectText(reason: RejectReason | undefined): string {
  return reason === undefined ? 'The order was refused.' : REASONS[reason];
}

/** The risk limits as the Risk controls card labels them (and order refusals name them). */
export const RISK_LIMIT_LABELS: Readonly<Record<keyof PortfolioRiskLimits, string>> = {
  maxPositionPercent: 'Max position (% of equity)',
  maxDailyLossPercent: 'Max daily loss (% of equity)',
  maxPositionValue: 'Max position value (USDT)',
  maxOrderNotional: 'Max order value (USDT)',
  maxDailyLoss: 'Max daily loss (USDT)',
  maxOrdersPerMinute: 'Max orders per minute',
};

/**
 * Which risk limit refused an order and by how much, from the order check's detail
 * (`max_position_value: position in BTC-USDT would be worth 2982.63 (limit 1000)`), with the limit
 * named as on the Risk controls card; undefined when the detail names no known limit.
 */
export function riskLimitText(detail: string | undefined): string | undefined {
  const match = /^([a-z_]+):\s*(.+)$/s.exec(detail?.trim() ?? '');
  // The order check names a limit in snake case (`max_position_value`), the API's field in camel case.
  const key = match?.[1]!.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const label =
    key !== undefined && Object.hasOwn(RISK_LIMIT_LABELS, key)
      ? RISK_LIMIT_LABELS[key as keyof PortfolioRiskLimits]
      : undefined;
  return label === undefined ? undefined : `“${label}”: ${match![2]}.`;
}

/** An order's refusal in words: the limit that refused it when it was one, else the reason's sentence. */
export function orderRejectText(order: Pick<Order, 'rejectReason' | 'detail'>): string {
  const limit = order.rejectReason === 'risk_limit' ? riskLimitText(order.detail) : undefined;
  return limit === undefined ? rejectText(order.rejectReason) : `Refused by your risk limit ${limit}`;
}

/**
 * An order ticket's error: the reason of a refusal (with its code), the field a 400 names, or the
 * API's own message — always with the code, so a support question can quote it.
 */
export function orderErrorText(error: unknown): string {
  if (!isTicklineApiError(error)) return errorMessage(error);
  if (error.code === 'STRATEGY_BROKER_ORDER_REJECTED') {
    const reason = (error.details as { reason?: RejectReason } | undefined)?.reason;
    const text = orderRejectText({ ...(reason ? { rejectReason: reason } : {}), detail: error.message });
    return `Rejected — ${text} (${reason ?? error.code})`;
  }
  if (error.code === 'HTTP_BAD_REQUEST') return `Check the order: ${error.message} (${error.code})`;
  return codedErrorText(error);
}

/** An API error's message followed by its code. */
export function codedErrorText(error: unknown): string {
  return isTicklineApiError(error) ? `${errorMessage(error)} (${error.code})` : errorMessage(error);
}
