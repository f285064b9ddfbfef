/**
 * @module The in-app channel: the notification goes into the user's inbox in SQL and, when it is
 * new, `notification.inbox.added` is published; the realtime delivery routes that event to
 * `user:{id}`, so an open dashboard shows it at once on whichever gateway holds the stream.
 */
import type { Publisher } from '@tickline/eventlog';
import { createEventSource, type Clock } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { InboxItemAdded } from '../../events.ts';
import { Channel } from '../../kinds.ts';
import type { NotificationChannel } from '../channel.ts';
import { addToInbox, unreadCount } from './inbox-sql.ts';

export interface InAppChannelOptions {
  sql: Sql;
  publisher: Publisher;
  clock: Clock;
}

export function createInAppChannel(options: InAppChannelOptions): NotificationChannel {
  const events = createEventSource({ source: 'notify/in-app', clock: options.clock });
  return {
    channel: Channel.InApp,
    async send({ notification: n }) {
      const added = await addToInbox(options.sql, n);
      // A repeat (lease expired after the insert) is not announced twice.
      if (added) {
        const unread = await unreadCount(options.sql, n.userId);
        options.publisher.publish(
          events.create(InboxItemAdded, {
            subject: n.userId,
            data: {
              id: n.id,
              kind: n.kind,
              title: n.title,
              body: n.body,
              data: n.data,
              createdAt: n.createdAt,
              unread,
            },
          }),
        );
      }
      return { outcome: 'delivered' };
    },
  };
}
