/**
 * @module The order lifecycle as events: `order.placed`, `order.filled` (once per execution;
 * `partial` until the quantity is done), `order.cancelled`, `order.rejected` with a reason.
 * Subject and partition key: the portfolio id, so one portfolio's orders stay in order on the log.
 * Source: `broker/<venue>`. See docs/events.md.
 */
import { defineEvent } from '@tickline/kernel';
import { CandleIntervalSchema } from '@tickline/protocol';
import { z } from 'zod';
import { RejectReason } from './order.ts';

const positive = z.number().finite().positive();
const nonNegative = z.number().finite().nonnegative();
const epochMs = z.int().nonnegative();

const origin = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('strategy'),
    strategyId: z.string().min(1),
    version: z.int().positive(),
    candleCloseTime: epochMs,
    /** The interval whose bars fill it on paper (the run's execution feed for the symbol). */
    fillInterval: CandleIntervalSchema.optional(),
  }),
  z.object({
    kind: z.literal('manual'),
    userId: z.string().min(1),
    /** A force exit of a run: filled on paper by the run's bars, as the run's own exits are. */
    fillInterval: CandleIntervalSchema.optional(),
  }),
]);

/** Fields every order event carries: which order, at which venue, as asked. */
const orderFields = {
  portfolioId: z.string().min(1),
  clientOrderId: z.string().min(1),
  venue: z.string().min(1),
  venueOrderId: z.string().min(1).optional(),
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  type: z.enum(['market', 'limit', 'stop']),
  quantity: positive,
  price: positive.optional(),
  timeInForce: z.enum(['gtc', 'ioc']),
  origin: origin.optional(),
};

const rejectReasons = Object.values(RejectReason) as [RejectReason, ...RejectReason[]];

export const OrderPlaced = defineEvent({
  type: 'order.placed',
  description: 'A venue (paper or live) accepted an order; it rests or fills next.',
  schema: z.object({ ...orderFields, placedAt: epochMs }),
});

export const OrderFilled = defineEvent({
  type: 'order.filled',
  description: 'An order executed (part of) its quantity; one event per execution, partial until done.',
  schema: z.object({
    ...orderFields,
    fill: z.object({
      tradeId: z.string().min(1),
      price: positive,
      quantity: positive,
      fee: nonNegative,
      feeAsset: z.string(),
      time: epochMs,
    }),
    /** Cumulative, this fill included. */
    filledQuantity: positive,
    remainingQuantity: nonNegative,
    /** Volume-weighted over all fills so far. */
    averagePrice: positive,
    partial: z.boolean(),
  }),
});

export const OrderCancelled = defineEvent({
  type: 'order.cancelled',
  description:
    'A resting order was cancelled (by request, the kill switch, or the venue); fills before it stand.',
  schema: z.object({
    ...orderFields,
    filledQuantity: nonNegative,
    cancelledAt: epochMs,
    detail: z.string().optional(),
  }),
});

export const OrderRejected = defineEvent({
  type: 'order.rejected',
  description:
    'An order was refused (insufficient funds, unknown symbol, risk limit, kill switch, venue error…).',
  schema: z.object({
    ...orderFields,
    reason: z.enum(rejectReasons),
    detail: z.string(),
    retryAfterMs: z.int().nonnegative().optional(),
    rejectedAt: epochMs,
  }),
});

export type OrderPlacedData = z.infer<typeof OrderPlaced.schema>;
export type OrderFilledData = z.infer<typeof OrderFilled.schema>;
export type OrderCancelledData = z.infer<typeof OrderCancelled.schema>;
export type OrderRejectedData = z.infer<typeof OrderRejected.schema>;

/** Every order event, for registries. */
export const OrderEvents = [OrderPlaced, OrderFilled, OrderCancelled, OrderRejected] as const;
