/**
 * @module Who may open a stream, and on which channels. Browsers cannot set headers on
 * EventSource, so a stream authenticates by a short-lived stream ticket in the URL (minted by
 * `POST /api/v1/stream/tickets`) or by the HttpOnly session cookie (the access token, set at
 * sign-in). A long-lived credential in the URL is refused by the gateway itself.
 */
import type { IncomingMessage } from 'node:http';
import { isAuthTokenError, type IdentityService, type Role } from '@tickline/identity';
import {
  readCookie,
  DEFAULT_TICKET_PARAM,
  type Authenticate,
  type ChannelRule,
  type StreamTicketIssuer,
} from '@tickline/realtime';
import { SESSION_COOKIE } from './session-cookie.ts';

/** Who holds a stream. */
export interface StreamPrincipal {
  userId: string;
  role: Role;
}

/** Channel rules: the first matching pattern decides; a channel no rule names is refused. */
export const STREAM_CHANNEL_RULES: readonly ChannelRule<StreamPrincipal>[] = [
  { pattern: 'user:{id}', allow: (principal, { id }) => principal.userId === id },
  { pattern: 'market:**', allow: () => true },
  { pattern: 'admin:**', allow: (principal) => principal.role === 'admin' },
  { pattern: 'game:**', allow: () => true },
];

function ticketIn(request: IncomingMessage): string | undefined {
  const url = request.url ?? '/';
  const at = url.indexOf('?');
  if (at === -1) return undefined;
  return new URLSearchParams(url.slice(at + 1)).get(DEFAULT_TICKET_PARAM) ?? undefined;
}

/**
 * The gateway's authenticate hook: a ticket when the URL has one (an invalid ticket refuses,
 * without falling back to the cookie), else the session cookie.
 */
export function createStreamAuthenticator(
  identity: Pick<IdentityService, 'authenticateAccessToken'>,
  tickets: StreamTicketIssuer,
): Authenticate<StreamPrincipal> {
  return async function authenticateStream(request) {
    const ticket = ticketIn(request);
    if (ticket !== undefined) {
      const verified = tickets.verify(ticket);
      if (!verified.ok) return null;
      return {
        userId: verified.claims.sub,
        role: verified.claims.attrs?.role === 'admin' ? 'admin' : 'user',
      };
    }
    const token = readCookie(request, SESSION_COOKIE);
    if (token === undefined) return null;
    try {
      const principal = await identity.authenticateAccessToken(token);
      return { userId: principal.userId, role: principal.role };
    } catch (error) {
      // An expired or forged cookie is a refusal; anything else (a bug) is for the gateway to log.
      if (isAuthTokenError(error)) return null;
      throw error;
    }
  };
}
