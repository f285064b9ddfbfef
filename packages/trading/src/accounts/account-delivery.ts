/**
 * @module Channel delivery of the accounts' events: each user-facing event goes to its subject's
 * `user:{id}` channel as `{ id, type, data }`, where only that user may subscribe. The consumer
 * keeps its historical name, `realtime-delivery`: renaming a durable consumer would replay or skip.
 */
import type { ChannelDelivery } from '@tickline/kernel';
import { AccountSnapshotGenerated } from './account-events.ts';

export const ACCOUNT_DELIVERY_CONSUMER = 'realtime-delivery';

/** Event types delivered to their subject's user (`data` is shown to that user as is). */
export const USER_EVENT_TYPES: readonly string[] = [AccountSnapshotGenerated.type];

/** The channel of a user's own events. */
export function userChannel(userId: string): string {
  return `user:${userId}`;
}

export const accountDelivery: ChannelDelivery = {
  name: ACCOUNT_DELIVERY_CONSUMER,
  eventTypes: USER_EVENT_TYPES,
  create(sink) {
    return {
      deliver(events) {
        for (const event of events)
          sink.publish(userChannel(event.subject), { id: event.id, type: event.type, data: event.data });
      },
    };
  },
};
