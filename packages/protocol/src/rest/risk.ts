/**
 * @module A portfolio's risk controls over REST (`/api/v1/portfolios/:id/risk…`): the kill switch
 * with its two hands (the owner's and an admin's), the portfolio's limits, and the audit of every
 * change (who, when, why). Amounts are in the portfolio's quote currency (USDT); 0 turns a limit off.
 */
import { z } from 'zod';

const amount = z.number().finite().nonnegative();

export const RiskLimitsSchema = z.object({
  /** Largest value one position may reach (quantity × price). */
  maxPositionValue: amount,
  /** Largest value one order may have (quantity × price). */
  maxOrderNotional: amount,
  /** Loss since 00:00 UTC that stops new exposure (reducing orders still pass). */
  maxDailyLoss: amount,
  /** Largest value one position may reach, in percent of the equity now. */
  maxPositionPercent: z.number().finite().nonnegative(),
  /** Loss since 00:00 UTC, in percent of the equity then, that stops new exposure. */
  maxDailyLossPercent: z.number().finite().nonnegative(),
  /** Orders in any 60 s window. */
  maxOrdersPerMinute: z.number().int().nonnegative(),
});

export const KillSwitchHandSchema = z.object({ by: z.string(), at: z.number(), reason: z.string() });

export const KillSwitchStateSchema = z.object({
  engaged: z.boolean(),
  user: KillSwitchHandSchema.optional(),
  admin: KillSwitchHandSchema.optional(),
});

export const RiskAuditEntrySchema = z.object({
  action: z.enum(['kill_switch.engaged', 'kill_switch.released', 'risk_limits.changed']),
  actor: z.enum(['user', 'admin']),
  by: z.string(),
  at: z.number(),
  reason: z.string(),
  limits: RiskLimitsSchema.optional(),
});

/** `GET /portfolios/:id/risk`. `custom` is false while the configured defaults apply. */
export const PortfolioRiskResponseSchema = z.object({
  killSwitch: KillSwitchStateSchema,
  limits: RiskLimitsSchema,
  defaults: RiskLimitsSchema,
  custom: z.boolean(),
  audit: z.array(RiskAuditEntrySchema),
});

/** `PUT /portfolios/:id/risk-limits`: the limits to change (others keep their value) and why. */
export const UpdateRiskLimitsBodySchema = RiskLimitsSchema.partial()
  .extend({ reason: z.string().min(1).max(200) })
  .strict();

/** `PUT /portfolios/:id/risk-limits`: the limits now in force. */
export const RiskLimitsResponseSchema = z.object({ limits: RiskLimitsSchema });

/** `POST /portfolios/:id/kill-switch` and `…/kill-switch/release`. */
export const KillSwitchBodySchema = z.strictObject({ reason: z.string().min(1).max(200) });
export const KillSwitchStateResponseSchema = z.object({
  killSwitch: KillSwitchStateSchema,
  /** Working orders cancelled by an engagement (0 on release). */
  cancelled: z.number(),
});

export type PortfolioRiskLimits = z.infer<typeof RiskLimitsSchema>;
export type KillSwitchView = z.infer<typeof KillSwitchStateSchema>;
export type RiskAuditEntryView = z.infer<typeof RiskAuditEntrySchema>;
export type PortfolioRisk = z.infer<typeof PortfolioRiskResponseSchema>;
export type UpdateRiskLimitsInput = z.input<typeof UpdateRiskLimitsBodySchema>;
