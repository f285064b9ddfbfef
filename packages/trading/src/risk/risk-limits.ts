/**
 * @module A portfolio's risk limits. Amounts are in the portfolio's quote currency; 0 turns a
 * limit off. The schema carries the platform defaults; a portfolio may set tighter ones. The
 * defaults that are on from the start are relative to the portfolio's equity (a position, a day's
 * loss) or a count (orders per minute), so they fit a 10,000 USDT paper account and a million
 * USDT one alike; the amounts are off until an owner or the config sets them.
 */
import { z } from 'zod';

/**
 * Orders a portfolio may place per minute unless configured otherwise (a runaway loop stops here).
 * Twice what a 1 s strategy ordering on every candle places: at 60 such a run sat at the limit,
 * and a restart's catch-up (the candles it missed, decided in a burst) or two candles delivered in
 * one turn had its orders refused where the uninterrupted run's were not.
 */
export const DEFAULT_MAX_ORDERS_PER_MINUTE = 120;
/**
 * Largest share of equity one position may take unless configured otherwise. Above 100 on purpose:
 * an order sized to the whole equity at a candle's close must still pass when the price has moved
 * a little by the time it is placed; more than this needs borrowed money (a sizing bug, or margin).
 */
export const DEFAULT_MAX_POSITION_PERCENT = 125;
/** Loss in a UTC day, as a share of the equity at 00:00, after which only reducing orders pass. */
export const DEFAULT_MAX_DAILY_LOSS_PERCENT = 10;
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
  maxPositionPercent: z
    .number()
    .finite()
    .nonnegative()
    .max(10_000)
    .default(DEFAULT_MAX_POSITION_PERCENT)
    .describe('Largest value one position may reach, in percent of the equity now; 0 = no limit.'),
  maxDailyLossPercent: z
    .number()
    .finite()
    .nonnegative()
    .max(100)
    .default(DEFAULT_MAX_DAILY_LOSS_PERCENT)
    .describe(
      'Loss since the start of the UTC day, in percent of the equity then, that stops new exposure; 0 = no limit.',
    ),
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
  MaxPositionPercent: 'max_position_percent',
  MaxDailyLossPercent: 'max_daily_loss_percent',
  MaxOrdersPerMinute: 'max_orders_per_minute',
} as const;
export type RiskLimitName = (typeof RiskLimitName)[keyof typeof RiskLimitName];
