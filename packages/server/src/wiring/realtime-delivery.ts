/**
 * @module The realtime-delivery consumer (gateway role): user-facing events from the main log are
 * published on the hub's `user:{subject}` channel, where only that user may subscribe. One durable
 * consumer name for all gateways: each event is taken by one of them, and the event-log bridge
 * fans it out to the others. A new consumer starts at the head: history before the first gateway
 * ever started is not replayed to streams.
 */
import type { EventHandler } from '@tickline/eventlog';
import { isValidChannelName, type Hub } from '@tickline/realtime';
import { AccountSnapshotGenerated } from '../accounts/account-events.ts';

export const REALTIME_DELIVERY_CONSUMER = 'realtime-delivery';

/** Event types delivered to their subject's user (`data` is shown to that user as is). */
export const USER_EVENT_TYPES: ReadonlySet<string> = new Set([AccountSnapshotGenerated.type]);

/** The channel of a user's own events. */
export function userChannel(userId: string): string {
  return `user:${userId}`;
}

/** The consumer's handler: `{ id, type, data }` of each user-facing event to `user:{subject}`. */
export function createRealtimeDeliveryHandler(hub: () => Hub): EventHandler {
  return async function deliverToUsers(events, context) {
    for (const event of events) {
      if (!USER_EVENT_TYPES.has(event.type)) continue;
      const channel = userChannel(event.subject);
      if (!isValidChannelName(channel)) {
        context.logger.warn(
          { id: event.id, type: event.type },
          'event subject is not a user id; not delivered',
        );
        continue;
      }
      hub().publish(channel, { id: event.id, type: event.type, data: event.data });
    }
  };
}
