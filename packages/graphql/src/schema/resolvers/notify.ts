/**
 * @module The in-app inbox and notification rules through notify's API (scopes as
 * `/api/v1/notifications`, field-scopes.ts): the inbox pages by its own key (the last entry's id),
 * as REST's `before`.
 */
import { z } from 'zod';
import { callerOf, portOf } from '../caller.ts';
import { keysetConnection } from '../connection.ts';
import type { GraphqlServices } from '../services.ts';
import { given, type Context, type ResolverMap } from './types.ts';

/** `GET /notifications`'s query, in GraphQL's names (first → limit, after → before). */
const InboxArgs = z.strictObject({
  first: z.int().min(1).max(100).default(20),
  after: z.uuid().optional(),
  unread: z.boolean().optional(),
});
const EntryId = z.uuid();

export function notifyResolvers(services: GraphqlServices): ResolverMap {
  const withActor = async (field: string, context: Context) => {
    const notifications = portOf(services, context, 'notifications', field);
    const caller = await callerOf(services, context);
    // The tier the credential carries now, as REST's notify routes pass it (an admin's change).
    const actor =
      caller.tier === undefined ? { userId: caller.userId } : { userId: caller.userId, tier: caller.tier };
    return { notifications, actor };
  };
  return {
    Query: {
      async notifications(_root: unknown, args: Record<string, unknown>, context: Context) {
        const { notifications, actor } = await withActor('notifications', context);
        const { first, after, unread } = InboxArgs.parse(given(args));
        const page = await notifications.inbox(actor, {
          limit: first,
          ...(after === undefined ? {} : { before: after }),
          unreadOnly: unread === true,
        });
        return {
          ...keysetConnection(page.items, (item) => item.id, page.nextCursor !== null),
          unread: page.unread,
        };
      },
      async notificationRules(_root: unknown, _args: unknown, context: Context) {
        const { notifications, actor } = await withActor('notificationRules', context);
        const { rules, settings } = await notifications.rules(actor);
        return { rules, settings };
      },
    },
    Mutation: {
      async markNotificationRead(_root: unknown, args: { id: string }, context: Context) {
        const { notifications, actor } = await withActor('markNotificationRead', context);
        await notifications.markRead(actor, EntryId.parse(args.id));
        return true;
      },
      async markAllNotificationsRead(_root: unknown, _args: unknown, context: Context) {
        const { notifications, actor } = await withActor('markAllNotificationsRead', context);
        return notifications.markAllRead(actor);
      },
    },
  };
}
