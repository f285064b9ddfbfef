/**
 * @module Order lifecycle events as envelopes: the definition for each type, subject and
 * partition key = portfolio id (one portfolio's orders stay in order on the log). The source is
 * made once per venue: `createEventSource({ source: orderEventSourceName(venue), clock })`.
 */
import type { EventDefinition, EventEnvelope, EventSource } from '@tickline/kernel';
import { OrderCancelled, OrderFilled, OrderPlaced, OrderRejected } from './events.ts';
import type { OrderLifecycleEvent } from './order-transitions.ts';

const DEFINITIONS: Record<OrderLifecycleEvent['type'], EventDefinition<unknown>> = {
  'order.placed': OrderPlaced,
  'order.filled': OrderFilled,
  'order.cancelled': OrderCancelled,
  'order.rejected': OrderRejected,
};

/** `broker/<venue>`: the `source` attribute of a venue's order events. */
export function orderEventSourceName(venue: string): string {
  return `broker/${venue}`;
}

/** The envelope of one lifecycle event, ready for the publisher. */
export function orderEnvelope(source: EventSource, event: OrderLifecycleEvent): EventEnvelope {
  return source.create(DEFINITIONS[event.type], { subject: event.data.portfolioId, data: event.data });
}
