/**
 * @module `POST /stream/tickets`: an authenticated caller (access token, or an API key with the
 * `stream:read` scope) gets a stream ticket to put in an EventSource or WebSocket URL.
 */
import type { RequestAuth } from '@tickline/kernel';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StreamTicketIssuer } from '../auth/stream-ticket.ts';
import { streamTicketAttrs } from './stream-auth.ts';
import { ApiKeyScope } from '@tickline/protocol';

/** The API key scope that may open streams. */
export const STREAM_SCOPE = 'stream:read';

const TicketSchema = z.object({
  ticket: z.string().describe('Put it in the stream URL: `/api/v1/stream?channels=…&ticket=…`.'),
  expiresAt: z.iso.datetime(),
});

/** Options for {@link streamTicketRoutes}. */
export interface StreamTicketRoutesOptions {
  auth: RequestAuth<FastifyRequest>;
  tickets: StreamTicketIssuer;
  ticketTtlMs: number;
}

export function streamTicketRoutes(options: StreamTicketRoutesOptions): FastifyPluginAsyncZod {
  return async function streamTickets(app) {
    app.post(
      '/stream/tickets',
      {
        config: { scope: ApiKeyScope.StreamRead },
        preHandler: (request) => options.auth.authenticate(request),
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
        const principal = options.auth.caller(request, STREAM_SCOPE);
        // The ticket carries the credential's session version (a revocation closes the stream),
        // the tier's stream limit, and an API key's scopes (its owner's role alone would widen them).
        const ticket = options.tickets.issue(principal.userId, streamTicketAttrs(principal));
        reply.status(201);
        return { ticket, expiresAt: new Date(Date.now() + options.ticketTtlMs).toISOString() };
      },
    );
  };
}
