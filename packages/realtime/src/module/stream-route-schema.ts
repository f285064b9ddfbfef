/**
 * @module Schema of the SSE stream route, for the OpenAPI document. The query is loose on
 * purpose: the gateway itself refuses credentials in the URL (RT_TOKEN_IN_URL) and bad channels.
 */
import type { FastifySchema } from 'fastify';
import { z } from 'zod';

const Channels = z
  .union([z.string(), z.array(z.string())])
  .describe('Comma-separated or repeated: `user:{id}`, `market:{symbol}:trades`, `admin:*`.');

export const StreamRouteSchema: FastifySchema = {
  summary: 'Server-sent events for the given channels',
  description:
    'Authenticates with the HttpOnly session cookie or a short-lived stream ticket (`ticket`), never a long-lived token. ' +
    "Resumes from `Last-Event-ID` (or `lastEventId`). Each channel is authorized: another user's `user:{id}` is 403. " +
    'The WebSocket twin is `GET /api/v1/ws` (upgrade).',
  tags: ['realtime'],
  // A ticket is minted only for a credential with stream:read; a session cookie has every scope.
  security: [{ streamTicket: ['stream:read'] }, { sessionCookie: ['stream:read'] }],
  querystring: z.looseObject({
    channels: Channels.optional(),
    ticket: z.string().optional(),
    lastEventId: z.string().optional(),
  }),
  response: {
    200: {
      description: 'The stream, open until the client leaves or the server drains',
      content: {
        'text/event-stream': {
          schema: z
            .string()
            .describe(
              '`event: <type>`, `id: <event id>`, `data: {"channel", "data"}` frames; a comment every 25 s.',
            ),
        },
      },
    },
  },
};
