/** @module `/notifications`: the in-app inbox (paginated, unread count, mark read / all read). */
import { InboxPageSchema, MarkedSchema, UnreadCountSchema, ApiKeyScope } from '@tickline/protocol';
import { z } from 'zod';
import { NoContent, TAGS, type RouteContext, type TypedApp } from './route-types.ts';

export function registerInboxRoutes(app: TypedApp, { api, actor }: RouteContext): void {
  app.get(
    '/notifications',
    {
      config: { scope: ApiKeyScope.NotificationsRead },
      schema: {
        summary: 'The inbox, newest first',
        tags: TAGS,
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(100).default(20),
          before: z.uuid().optional().describe('nextCursor of the previous page'),
          unread: z.enum(['true', 'false']).optional(),
        }),
        response: {
          200: InboxPageSchema,
        },
      },
    },
    async (request) => {
      const q = request.query;
      return api.inbox(await actor(request), {
        limit: q.limit,
        ...(q.before ? { before: q.before } : {}),
        unreadOnly: q.unread === 'true',
      });
    },
  );
  app.get(
    '/notifications/unread-count',
    {
      config: { scope: ApiKeyScope.NotificationsRead },
      schema: {
        summary: 'Unread notifications',
        tags: TAGS,
        response: { 200: UnreadCountSchema },
      },
    },
    async (request) => ({ unread: await api.unread(await actor(request)) }),
  );
  app.post(
    '/notifications/:id/read',
    {
      config: { scope: ApiKeyScope.NotificationsWrite },
      schema: {
        summary: 'Mark one read',
        tags: TAGS,
        params: z.object({ id: z.uuid() }),
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await api.markRead(await actor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/notifications/read-all',
    {
      config: { scope: ApiKeyScope.NotificationsWrite },
      schema: {
        summary: 'Mark all read',
        tags: TAGS,
        response: { 200: MarkedSchema },
      },
    },
    async (request) => ({ marked: await api.markAllRead(await actor(request)) }),
  );
}
