/** @module Reading stream credentials from a request: a cookie, or a stream ticket in the query. */
import type { IncomingMessage } from 'node:http';
import { STREAM_TICKET_PARAM } from '@tickline/protocol';
import type { Authenticate } from '../gateway/gateway-options.ts';
import { requestQuery } from '../sse/sse-request.ts';
import type { StreamTicketClaims, StreamTicketIssuer } from './stream-ticket.ts';

/** The query parameter that carries a stream ticket. */
export const DEFAULT_TICKET_PARAM = STREAM_TICKET_PARAM;

/** The value of cookie `name`, or undefined. */
export function readCookie(request: IncomingMessage, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at !== -1 && part.slice(0, at).trim() === name) {
      const value = part.slice(at + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return undefined;
}

/** Options for {@link createTicketAuthenticator}. */
export interface TicketAuthenticatorOptions<P> {
  issuer: StreamTicketIssuer;
  /** Builds the principal from a verified ticket; null refuses (user disabled, …). */
  toPrincipal(claims: StreamTicketClaims): P | null | Promise<P | null>;
  /** @default 'ticket' */
  param?: string;
  /** Also accept the ticket from this cookie (set HttpOnly by the gateway). */
  cookie?: string;
}

/**
 * An {@link Authenticate} hook accepting a stream ticket from the query (EventSource) or a cookie.
 * @example authenticate: createTicketAuthenticator({ issuer, toPrincipal: (c) => ({ id: c.sub }) })
 */
export function createTicketAuthenticator<P>(options: TicketAuthenticatorOptions<P>): Authenticate<P> {
  const param = options.param ?? DEFAULT_TICKET_PARAM;
  return async function authenticateTicket(request: IncomingMessage): Promise<P | null> {
    const ticket =
      requestQuery(request).get(param) ?? (options.cookie ? readCookie(request, options.cookie) : undefined);
    if (!ticket) return null;
    const verified = options.issuer.verify(ticket);
    return verified.ok ? options.toPrincipal(verified.claims) : null;
  };
}
