/** @module `/notifications`: the in-app inbox (paginated, unread count, mark read / all read). */
import { z } from 'zod';
import { TAGS, type RouteContext, type TypedApp } from './route-types.ts';

const Item = z.object({
  id: z.uuid(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

export function registerInboxRoutes(app: TypedApp, { api, actor }: RouteContext): void {
  app.get(
    '/notifications',
    {
      schema: {
        summary: 'The inbox, newest first',
        tags: TAGS,
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(100).default(20),
          before: z.uuid().optional().describe('nextCursor of the previous page'),
          unread: z.enum(['true', 'false']).optional(),
        }),
        response: {
          200: z.object({ items: z.array(Item), nextCursor: z.uuid().nullable(), unread: z.number().int() }),
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
      schema: {
        summary: 'Unread notifications',
        tags: TAGS,
        response: { 200: z.object({ unread: z.number().int() }) },
      },
    },
    async (request) => ({ unread: await api.unread(await actor(request)) }),
  );
  app.post(
    '/notifications/:id/read',
    { schema: { summary: 'Mark one read', tags: TAGS, params: z.object({ id: z.uuid() }) } },
    async (request, reply) => {
      await api.markRead(await actor(request), request.params.id);
      return reply.status(204).send();
    },
  );
  app.post(
    '/notifications/read-all',
    {
      schema: {
        summary: 'Mark all read',
        tags: TAGS,
        response: { 200: z.object({ marked: z.number().int() }) },
      },
    },
    async (request) => ({ marked: await api.markAllRead(await actor(request)) }),
  );
}
