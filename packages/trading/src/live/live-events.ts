/**
 * @module Events of live strategy runs. `strategy.signal`: a live run decided an order on a closed
 * candle (subject: the strategy id; delivered on `user:{userId}` and `strategy:{id}:signals`).
 * `strategy.live.paused`: a run stopped — it threw, went over its CPU budget per candle, hit a
 * limit, or the kill switch was engaged (delivered on `user:{userId}` so the owner is told).
 * `strategy.live.parity.diverged`: a run's parity check first found it apart from its replay.
 */
import { defineEvent } from '@tickline/kernel';
import { z } from 'zod';

const epochMs = z.int().nonnegative();

export const StrategySignal = defineEvent({
  type: 'strategy.signal',
  description: 'A live strategy run placed an order on a closed candle (before the venue answered).',
  schema: z.object({
    strategyId: z.string().min(1),
    /** The strategy's name when the run knows it: what a notification calls it. */
    strategyName: z.string().optional(),
    version: z.int().positive(),
    userId: z.string().min(1),
    portfolioId: z.string().min(1),
    candleCloseTime: epochMs,
    clientOrderId: z.string().min(1),
    symbol: z.string().min(1),
    side: z.enum(['buy', 'sell']),
    type: z.enum(['market', 'limit', 'stop']),
    quantity: z.number().finite().positive(),
    price: z.number().finite().positive().optional(),
    reason: z.string(),
  }),
});

export const StrategyLivePaused = defineEvent({
  type: 'strategy.live.paused',
  description:
    'A live strategy run was paused: it threw, exceeded its CPU or memory budget, or its portfolio kill switch was engaged.',
  schema: z.object({
    strategyId: z.string().min(1),
    strategyName: z.string().optional(),
    userId: z.string().min(1),
    portfolioId: z.string().min(1),
    /** A STRATEGY_* error code, or `kill_switch` / `user`. */
    code: z.string().min(1),
    reason: z.string(),
    at: epochMs,
    /** When a run paused for CPU resumes by itself (cpu-resume.ts); absent: when its owner resumes it. */
    resumesAt: epochMs.optional(),
  }),
});

export const PortfolioOrderFilled = defineEvent({
  type: 'portfolio.order.filled',
  description:
    "A portfolio booked an execution of one of its orders: the fill and the portfolio's cash and equity after it.",
  schema: z.object({
    portfolioId: z.string().min(1),
    userId: z.string().min(1),
    orderId: z.string().min(1),
    symbol: z.string().min(1),
    side: z.enum(['buy', 'sell']),
    quantity: z.number().finite().positive(),
    price: z.number().finite().positive(),
    fee: z.number().finite().nonnegative(),
    partial: z.boolean(),
    cash: z.number().finite(),
    equity: z.number().finite(),
    at: epochMs,
  }),
});
export const StrategyLiveParityDiverged = defineEvent({
  type: 'strategy.live.parity.diverged',
  description:
    "A live run's parity check (parity-monitor.ts) found its decisions part from its backtest replay's, the first time: the decision and the field.",
  schema: z.object({
    runId: z.string().min(1),
    strategyId: z.string().min(1),
    strategyName: z.string().optional(),
    version: z.int().positive(),
    userId: z.string().min(1),
    portfolioId: z.string().min(1),
    /** The first decision that differs (from 1) and the field it differs in. */
    decision: z.int().positive(),
    field: z.string().min(1),
    /** The candle of that decision (epoch ms). */
    candleCloseTime: epochMs.optional(),
    checkedAt: epochMs,
  }),
});

export const StrategyLiveDataHealth = defineEvent({
  type: 'strategy.live.data.health',
  description:
    "A feed a user's live runs read turned unhealthy (stale, a gap, a jump past the band: their entries are refused) or healthy again (data-health.ts).",
  schema: z.object({
    userId: z.string().min(1),
    /** The user's runs that read the feed. */
    runIds: z.array(z.string().min(1)),
    symbol: z.string().min(1),
    interval: z.string().min(1),
    healthy: z.boolean(),
    problem: z.enum(['stale', 'gap', 'jump']).optional(),
    detail: z.string().optional(),
    at: epochMs,
  }),
});

export type StrategySignalData = z.infer<typeof StrategySignal.schema>;
export type StrategyLivePausedData = z.infer<typeof StrategyLivePaused.schema>;
export type StrategyLiveParityDivergedData = z.infer<typeof StrategyLiveParityDiverged.schema>;
export type StrategyLiveDataHealthData = z.infer<typeof StrategyLiveDataHealth.schema>;
export type PortfolioOrderFilledData = z.infer<typeof PortfolioOrderFilled.schema>;

export const LIVE_EVENTS = [
  StrategySignal,
  StrategyLivePaused,
  StrategyLiveParityDiverged,
  StrategyLiveDataHealth,
  PortfolioOrderFilled,
] as const;

/** Order lifecycle types delivered to the portfolio's owner. */
const ORDER_TYPES = new Set(['order.placed', 'order.filled', 'order.cancelled', 'order.rejected']);

/**
 * The realtime channels an event of live trading goes to. A paper portfolio's id is its account's
 * id (the account snapshot opens it), which is the owner's user id.
 */
export function liveEventChannels(type: string, data: unknown): string[] {
  const d = data as { userId?: string; strategyId?: string; portfolioId?: string };
  if (type === 'strategy.signal') return [`user:${d.userId}`, `strategy:${d.strategyId}:signals`];
  if (
    type === 'strategy.live.paused' ||
    type === 'strategy.live.parity.diverged' ||
    type === 'strategy.live.data.health' ||
    type === 'portfolio.order.filled'
  )
    return [`user:${d.userId}`];
  if (ORDER_TYPES.has(type) && d.portfolioId !== undefined) return [`user:${d.portfolioId}`];
  return [];
}
