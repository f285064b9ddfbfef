/** @module Errors of the real-time gateway: stable `RT_*` codes shared by SSE and WebSocket. */
import { defineErrorCodes, errorGuard, TicklineError, type TicklineErrorOptions } from '@tickline/kernel';

export const RealtimeErrorCodes = defineErrorCodes({
  RT_FORWARD_TOO_LARGE: {
    meaning:
      'A request or answer forwarded between a gateway and the role that owns the route is larger than the forwarding cap (900 KiB: one NATS message).',
    resolve: 'Send less, or page the read (the list routes take a limit).',
    httpStatus: 413,
  },
  RT_UNAUTHENTICATED: {
    meaning: 'The stream request carried no valid credential (session cookie or stream ticket).',
    resolve: 'Sign in, or mint a fresh stream ticket, and reconnect.',
    httpStatus: 401,
  },
  RT_FORBIDDEN: {
    meaning: 'The principal may not subscribe to one of the requested channels.',
    resolve: 'Subscribe only to public channels and your own `user:{id}` channel; details name the channel.',
    httpStatus: 403,
  },
  RT_INVALID_CHANNEL: {
    meaning: 'A channel name is empty, too long or uses characters outside the channel grammar.',
    resolve: 'Use `segment:segment` names of letters, digits and `_ . - @ + = ~`; details name the channel.',
    httpStatus: 400,
  },
  RT_TOO_MANY_CHANNELS: {
    meaning: 'A connection asked for more channels than the per-connection limit.',
    resolve: 'Subscribe to fewer channels, or open a second connection.',
    httpStatus: 400,
  },
  RT_BAD_MESSAGE: {
    meaning: 'A WebSocket message was not valid JSON or not a known message shape.',
    resolve:
      'Send `{type:"subscribe"|"unsubscribe"|"ping", ...}` as a text frame; details list the problems.',
    httpStatus: 400,
  },
  RT_TOKEN_IN_URL: {
    meaning: 'A long-lived credential (access token, API key) was passed in the stream URL.',
    resolve: 'Authenticate streams with the HttpOnly session cookie or a short-lived stream ticket.',
    httpStatus: 400,
  },
  RT_SLOW_CONSUMER: {
    meaning: 'The client read too slowly: its outbound buffer passed the per-connection limit.',
    resolve: 'Reconnect with the last event id to resume; subscribe to fewer channels if it repeats.',
    httpStatus: 503,
  },
  RT_SESSION_EXPIRED: {
    meaning: 'The connection reached its maximum age and was closed so its credential is checked again.',
    resolve: 'Reconnect (with the last event id) using a current credential; nothing is lost.',
    httpStatus: 401,
  },
  RT_TOO_MANY_CONNECTIONS: {
    meaning: 'The gateway is at its connection limit.',
    resolve: 'Retry after a back-off, or connect to another gateway.',
    httpStatus: 503,
  },
  RT_USER_CONNECTION_LIMIT: {
    meaning:
      'The account already holds as many streams as its tier allows (maxStreamConnections), across gateways.',
    resolve: 'Close another stream (a tab, a bot) or move to a higher tier; retry after one closes.',
    httpStatus: 429,
  },
  RT_SESSION_REVOKED: {
    meaning:
      "The stream's credential was revoked (sign-out, a disabled account, a role or tier change, a revoked API key).",
    resolve: 'Do not resume with it: get a new stream ticket with a current session.',
    httpStatus: 401,
  },
  RT_SHUTTING_DOWN: {
    meaning: 'The gateway is shutting down.',
    resolve: 'Reconnect (with the last event id); another gateway will serve the stream.',
    httpStatus: 503,
  },
  RT_AUTH_UNAVAILABLE: {
    meaning: 'The authentication or authorization hook failed, so the request could not be checked.',
    resolve: 'Transient: retry after a back-off; the server log has the cause.',
    httpStatus: 503,
  },
  RT_INVALID_EVENT: {
    meaning: 'An event handed to the hub has a missing or unsafe id or type.',
    resolve: 'Publish events with a UUIDv7 id and a dotted type; details name the field.',
    httpStatus: 500,
  },
  RT_INVALID_OPTIONS: {
    meaning: 'A real-time option is out of range.',
    resolve: 'Fix the named option; details give the field and value.',
    httpStatus: 500,
  },
});

export type RealtimeErrorCode = keyof typeof RealtimeErrorCodes;

export class RealtimeError extends TicklineError {
  override name = 'RealtimeError';
  declare readonly code: RealtimeErrorCode;
  constructor(code: RealtimeErrorCode, message: string, options?: TicklineErrorOptions) {
    super(code, message, options);
  }

  /** The HTTP status this error maps to. */
  get httpStatus(): number {
    return RealtimeErrorCodes[this.code].httpStatus;
  }
}

export const isUnauthenticatedError = errorGuard('RT_UNAUTHENTICATED');
export const isForbiddenError = errorGuard('RT_FORBIDDEN');
export const isInvalidChannelError = errorGuard('RT_INVALID_CHANNEL');
export const isSlowConsumerError = errorGuard('RT_SLOW_CONSUMER');
export const isRealtimeError = (error: unknown): error is RealtimeError =>
  error instanceof TicklineError && error.code.startsWith('RT_');
