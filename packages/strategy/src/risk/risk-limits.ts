/**
 * @module A portfolio's risk limits. Amounts are in the portfolio's quote currency; 0 turns a
 * limit off. The schema carries the platform defaults; a portfolio may set tighter ones.
 */
import { z } from 'zod';

/** Orders a portfolio may place per minute unless configured otherwise (a runaway loop stops here). */
export const DEFAULT_MAX_ORDERS_PER_MINUTE = 60;
/** The window of the orders-per-minute limit. */
export const ORDER_RATE_WINDOW_MS = 60_000;

export const RiskLimitsSchema = z.strictObject({
  maxPositionValue: z
    .number()
    .finite()
    .nonnegative()
    .default(0)
    .describe('Largest value one position may reach (quantity × price, quote currency); 0 = no limit.'),
  maxOrderNotional: z
    .number()
    .finite()
    .nonnegative()
    .default(0)
    .describe('Largest value one order may have (quantity × price, quote currency); 0 = no limit.'),
  maxDailyLoss: z
    .number()
    .finite()
    .nonnegative()
    .default(0)
    .describe('Loss since the start of the UTC day (equity drop) that stops new exposure; 0 = no limit.'),
  maxOrdersPerMinute: z
    .int()
    .nonnegative()
    .default(DEFAULT_MAX_ORDERS_PER_MINUTE)
    .describe('Orders a portfolio may place in any 60 s window; 0 = no limit.'),
});
export type RiskLimits = z.output<typeof RiskLimitsSchema>;

/** Which limit refused an order. */
export const RiskLimitName = {
  MaxPositionValue: 'max_position_value',
  MaxOrderNotional: 'max_order_notional',
  MaxDailyLoss: 'max_daily_loss',
  MaxOrdersPerMinute: 'max_orders_per_minute',
} as const;
export type RiskLimitName = (typeof RiskLimitName)[keyof typeof RiskLimitName];
