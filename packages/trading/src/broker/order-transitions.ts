/**
 * @module From snapshots to facts: comparing what was known about an order with what the venue
 * says now yields the lifecycle events in between. Pure, so the paper broker, a live adapter's
 * poller and a replay all produce the same events from the same snapshots.
 */
import type { OrderCancelledData, OrderFilledData, OrderPlacedData, OrderRejectedData } from './events.ts';
import type { Order, OrderFill } from './order.ts';

/** One lifecycle event, ready for an event source (`subject` = `partitionkey` = portfolio id). */
export type OrderLifecycleEvent =
  | { type: 'order.placed'; data: OrderPlacedData }
  | { type: 'order.filled'; data: OrderFilledData }
  | { type: 'order.cancelled'; data: OrderCancelledData }
  | { type: 'order.rejected'; data: OrderRejectedData };

// Quantities are binary floats; a remainder below this share of the order counts as done.
const QUANTITY_EPSILON = 1e-9;

function common(order: Order, venue: string): Omit<OrderPlacedData, 'placedAt'> {
  return {
    portfolioId: order.portfolioId,
    clientOrderId: order.clientOrderId,
    venue,
    ...(order.venueOrderId === undefined ? {} : { venueOrderId: order.venueOrderId }),
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    quantity: order.quantity,
    ...(order.price === undefined ? {} : { price: order.price }),
    timeInForce: order.timeInForce,
    ...(order.origin === undefined ? {} : { origin: order.origin }),
  };
}

/**
 * The fills of `next` that `previous` did not have. A venue that reports only totals gets one
 * synthetic fill for the increase (its id names the cumulative quantity, so it is stable).
 */
function newFills(previous: Order | undefined, next: Order): OrderFill[] {
  const known = new Set(previous?.fills.map((f) => f.tradeId));
  const listed = next.fills.filter((f) => !known.has(f.tradeId));
  const listedQuantity = listed.reduce((sum, f) => sum + f.quantity, 0);
  const before = previous?.filledQuantity ?? 0;
  const unlisted = next.filledQuantity - before - listedQuantity;
  if (unlisted <= next.quantity * QUANTITY_EPSILON) return listed;
  const quoteBefore = previous?.filledQuote ?? 0;
  const listedQuote = listed.reduce((sum, f) => sum + f.price * f.quantity, 0);
  return [
    ...listed,
    {
      tradeId: `${next.clientOrderId}@${next.filledQuantity}`,
      price: (next.filledQuote - quoteBefore - listedQuote) / unlisted,
      quantity: unlisted,
      fee: 0,
      feeAsset: '',
      time: next.updatedAt,
    },
  ];
}

/** The events that lead from `previous` (undefined: never seen) to `next`, in order. */
export function orderTransitions(
  previous: Order | undefined,
  next: Order,
  venue: string,
): OrderLifecycleEvent[] {
  const base = common(next, venue);
  if (next.status === 'rejected') {
    if (previous !== undefined) return [];
    return [
      {
        type: 'order.rejected',
        data: {
          ...base,
          reason: next.rejectReason ?? 'venue_error',
          detail: next.detail ?? '',
          ...(next.retryAfterMs === undefined ? {} : { retryAfterMs: next.retryAfterMs }),
          rejectedAt: next.updatedAt,
        },
      },
    ];
  }
  const events: OrderLifecycleEvent[] = [];
  if (previous === undefined)
    events.push({ type: 'order.placed', data: { ...base, placedAt: next.createdAt } });
  let filled = previous?.filledQuantity ?? 0;
  let quote = previous?.filledQuote ?? 0;
  for (const fill of newFills(previous, next)) {
    filled += fill.quantity;
    quote += fill.price * fill.quantity;
    const remaining = Math.max(0, next.quantity - filled);
    const done = remaining <= next.quantity * QUANTITY_EPSILON;
    events.push({
      type: 'order.filled',
      data: {
        ...base,
        fill,
        filledQuantity: filled,
        remainingQuantity: done ? 0 : remaining,
        averagePrice: quote / filled,
        partial: !done,
      },
    });
  }
  if (next.status === 'cancelled' && previous?.status !== 'cancelled') {
    events.push({
      type: 'order.cancelled',
      data: {
        ...base,
        filledQuantity: next.filledQuantity,
        cancelledAt: next.updatedAt,
        ...(next.detail === undefined ? {} : { detail: next.detail }),
      },
    });
  }
  return events;
}
