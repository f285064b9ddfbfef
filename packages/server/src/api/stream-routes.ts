/**
 * @module `POST /stream/tickets`: an authenticated caller (access token, or an API key with the
 * `stream:read` scope) gets a stream ticket to put in an EventSource or WebSocket URL.
 */
import { principalOf, requireAuthentication, requireScope, type IdentityService } from '@tickline/identity';
import type { StreamTicketIssuer } from '@tickline/realtime';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

/** The API key scope that may open streams. */
export const STREAM_SCOPE = 'stream:read';

const TicketSchema = z.object({
  ticket: z.string().describe('Put it in the stream URL: `/api/v1/stream?channels=…&ticket=…`.'),
  expiresAt: z.iso.datetime(),
});

/** Options for {@link registerStreamTicketRoutes}. */
export interface StreamTicketRoutesOptions {
  identity: IdentityService;
  tickets: () => StreamTicketIssuer;
  ticketTtlMs: number;
}

export function registerStreamTicketRoutes(app: FastifyInstance, options: StreamTicketRoutesOptions): void {
  app.post(
    '/stream/tickets',
    {
      preHandler: requireAuthentication(options.identity),
      schema: {
        summary: 'A short-lived ticket that authenticates one SSE or WebSocket connection',
        description:
          'EventSource cannot send headers: the ticket goes in the URL instead of a long-lived token. It expires after auth.streamTicketTtlMs; EventSource reconnects may reuse it until then.',
        tags: ['realtime'],
        security: [{ bearer: [] }, { apiKey: [] }],
        response: { 201: TicketSchema },
      },
    },
    async function issueStreamTicket(request, reply) {
      const principal = principalOf(request);
      requireScope(principal, STREAM_SCOPE);
      const ticket = options.tickets().issue(principal.userId, { role: principal.role });
      reply.status(201);
      return { ticket, expiresAt: new Date(Date.now() + options.ticketTtlMs).toISOString() };
    },
  );
}
