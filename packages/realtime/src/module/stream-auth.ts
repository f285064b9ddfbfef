/**
 * @module Who may open a stream, and on which channels. Browsers cannot set headers on
 * EventSource, so a stream authenticates by a short-lived stream ticket in the URL (minted by
 * `POST /api/v1/stream/tickets`) or by the HttpOnly session cookie (the access token, set at
 * sign-in). A long-lived credential in the URL is refused by the gateway itself.
 */
import type { IncomingMessage } from 'node:http';
import { DEFAULT_TICKET_PARAM, readCookie } from '../auth/credentials.ts';
import type { StreamTicketIssuer } from '../auth/stream-ticket.ts';
import { ApiKeyScope } from '@tickline/protocol';
import type { ChannelRule } from '../channels/channel-rules.ts';
import type { Authenticate } from '../gateway/gateway-options.ts';

/** The HttpOnly cookie holding the access token, set by the gateway at sign-in. */
export const SESSION_COOKIE = 'tickline_session';

/** Who holds a stream. */
export interface StreamPrincipal {
  userId: string;
  role: 'admin' | 'user';
  /** The user's session version the credential was issued under (revocation closes the stream). */
  sv: number;
  /** Streams this user may hold at once (the tier's `maxStreamConnections`); absent: unlimited. */
  maxStreams?: number;
  /** The API key's scopes when the ticket was minted with one; absent: the role decides alone. */
  scopes?: readonly string[];
  /** The API key the ticket was minted with: revoking it closes the stream. */
  apiKeyId?: string;
}

/**
 * The ticket attributes of a {@link StreamPrincipal} (what the ticket route signs): the role, the
 * credential's session version (a revocation closes the stream), the tier's stream limit, and an
 * API key's scopes (an admin's `stream:read` key must not read admin channels).
 */
export function streamTicketAttrs(caller: {
  role: 'admin' | 'user';
  scopes?: readonly string[] | null;
  limits?: Readonly<Record<string, number>>;
  sessionVersion?: number;
  apiKeyId?: string;
}): Record<string, string | number | string[]> {
  const maxStreams = caller.limits?.maxStreamConnections;
  return {
    role: caller.role,
    sv: caller.sessionVersion ?? 0,
    ...(maxStreams === undefined ? {} : { maxStreams }),
    ...(caller.scopes ? { scopes: [...caller.scopes] } : {}),
    ...(caller.apiKeyId === undefined ? {} : { kid: caller.apiKeyId }),
  };
}

/** Checks an access token: its user, or null when it is expired or forged (other errors throw). */
export type VerifyAccessToken = (token: string) => Promise<{
  userId: string;
  role: 'admin' | 'user';
  sv: number;
  limits?: Readonly<Record<string, number>>;
} | null>;

/** The scope a principal streaming with an API key's ticket needs for `admin:*` channels. */
export const ADMIN_SCOPE = 'admin';

/**
 * What an API key must hold to receive each kind of event on `user:{id}`: the scope REST asks for
 * the same data (orders, fills, the account snapshot and live runs `portfolio:read`; signals
 * `signals:read`; backtests and research `strategies:read`; the inbox `notifications:read`). By
 * type prefix; `stream:read` alone opens the channel and receives none of them.
 */
export const USER_EVENT_SCOPES: ReadonlyArray<readonly [prefix: string, scopes: readonly string[]]> = [
  ['order.', [ApiKeyScope.PortfolioRead]],
  ['portfolio.', [ApiKeyScope.PortfolioRead]],
  ['account.', [ApiKeyScope.PortfolioRead]],
  ['strategy.signal', [ApiKeyScope.SignalsRead]],
  ['strategy.live.', [ApiKeyScope.PortfolioRead]],
  ['backtest.', [ApiKeyScope.StrategiesRead]],
  ['research.', [ApiKeyScope.StrategiesRead]],
  ['notification.', [ApiKeyScope.NotificationsRead]],
];

/** The scopes an event on `user:{id}` needs; null for a type no entry names (unscoped principals only). */
export function userEventScopes(type: string): readonly string[] | null {
  for (const [prefix, scopes] of USER_EVENT_SCOPES) if (type.startsWith(prefix)) return scopes;
  return null;
}

/** Channel rules: the first matching pattern decides; a channel no rule names is refused. */
export const STREAM_CHANNEL_RULES: readonly ChannelRule<StreamPrincipal>[] = [
  {
    pattern: 'user:{id}',
    allow: (principal, { id }) => principal.userId === id,
    eventScopes: userEventScopes,
  },
  { pattern: 'market:**', scopes: [ApiKeyScope.MarketRead], allow: () => true },
  { pattern: 'admin:**', scopes: [ApiKeyScope.Admin], allow: (principal) => principal.role === 'admin' },
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
  verifyAccessToken: VerifyAccessToken,
  tickets: StreamTicketIssuer,
): Authenticate<StreamPrincipal> {
  return async function authenticateStream(request) {
    const ticket = ticketIn(request);
    if (ticket !== undefined) {
      const verified = tickets.verify(ticket);
      if (!verified.ok) return null;
      const attrs = verified.claims.attrs ?? {};
      return {
        userId: verified.claims.sub,
        role: attrs.role === 'admin' ? 'admin' : 'user',
        // A ticket without a version (minted before versions existed) stands on none: refused once revoked.
        sv: typeof attrs.sv === 'number' ? attrs.sv : 0,
        ...(typeof attrs.maxStreams === 'number' ? { maxStreams: attrs.maxStreams } : {}),
        ...(Array.isArray(attrs.scopes) ? { scopes: attrs.scopes } : {}),
        ...(typeof attrs.kid === 'string' ? { apiKeyId: attrs.kid } : {}),
      };
    }
    const token = readCookie(request, SESSION_COOKIE);
    if (token === undefined) return null;
    // An expired or forged cookie is a refusal (null); anything else (a bug) is for the gateway to log.
    const user = await verifyAccessToken(token);
    if (!user) return null;
    const maxStreams = user.limits?.maxStreamConnections;
    return {
      userId: user.userId,
      role: user.role,
      sv: user.sv,
      ...(maxStreams === undefined ? {} : { maxStreams }),
    };
  };
}
