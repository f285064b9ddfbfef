/**
 * @module WebSocket close codes of the stream gateway and the reconnect rule. 4000–4999 is the
 * application range (RFC 6455 §7.4.2); codes below 4500 mean "reconnect", 4500 and up mean "do not
 * retry without changing something" — the same split Centrifugo uses.
 */

export const StreamCloseCode = {
  /** Closed on purpose by either side. */
  Normal: 1000,
  /** The gateway is shutting down; reconnect elsewhere. */
  GoingAway: 1001,
  /** No close frame: the connection dropped or the upgrade was refused (never sent by the gateway). */
  Abnormal: 1006,
  /** Unexpected server failure. */
  InternalError: 1011,
  /** Reconnect with a current credential: the connection reached its maximum age. */
  SessionExpired: 4001,
  /** Reconnect with the last event id: the client read too slowly. */
  SlowConsumer: 4008,
  /** Retry later: the gateway is at its connection limit. */
  TryAgainLater: 4013,
  /** Retry later: the account holds as many streams as its tier allows. */
  UserConnectionLimit: 4029,
  /** Do not retry: the credential is not valid. */
  Unauthenticated: 4501,
  /** Do not retry with this credential: it was revoked (sign-out, disabled user, role change). */
  SessionRevoked: 4503,
} as const;
export type StreamCloseCode = (typeof StreamCloseCode)[keyof typeof StreamCloseCode];

/** True when a client should reconnect after the gateway closed with this code. */
export function shouldReconnect(code: number): boolean {
  return (
    code === StreamCloseCode.GoingAway ||
    code === StreamCloseCode.InternalError ||
    (code >= 4000 && code < 4500)
  );
}

/**
 * True when a client should reconnect after a close event with this code: the gateway's rule, or
 * the connection simply dropped (1005/1006 never come from a close frame).
 */
export function shouldReconnectAfterClose(code: number): boolean {
  return code === 1005 || code === StreamCloseCode.Abnormal || shouldReconnect(code);
}

/**
 * SSE `event: error` and WebSocket `error` codes after which the gateway closes and a reconnect is
 * right (the gateway closes each with a code {@link shouldReconnect} accepts, or over SSE).
 */
export const RECONNECTABLE_STREAM_ERRORS: ReadonlySet<string> = new Set([
  'RT_SLOW_CONSUMER',
  'RT_SESSION_EXPIRED',
  'RT_SHUTTING_DOWN',
  'RT_TOO_MANY_CONNECTIONS',
  'RT_USER_CONNECTION_LIMIT',
  'RT_AUTH_UNAVAILABLE',
]);
