/**
 * @module WebSocket close codes, mapped once from error codes. 4000–4999 is the application
 * range (RFC 6455 §7.4.2); codes below 4500 mean "reconnect", 4500 and up mean "do not retry
 * without changing something" — the same split Centrifugo uses.
 */
import type { RealtimeErrorCode } from '../errors.ts';

export const CloseCode = {
  /** Closed on purpose by either side. */
  Normal: 1000,
  /** The gateway is shutting down; reconnect elsewhere. */
  GoingAway: 1001,
  /** Unexpected server failure. */
  InternalError: 1011,
  /** Reconnect with the last event id: the client read too slowly. */
  SlowConsumer: 4008,
  /** Reconnect with a current credential: the connection reached its maximum age. */
  SessionExpired: 4001,
  /** Retry later: the gateway is at its connection limit. */
  TryAgainLater: 4013,
  /** Retry later: the account holds as many streams as its tier allows. */
  UserConnectionLimit: 4029,
  /** Do not retry: the credential is not valid. */
  Unauthenticated: 4501,
  /** Do not retry with this credential: it was revoked. */
  SessionRevoked: 4503,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** The close code for an error that ends a connection. */
export const closeCodeFor: Partial<Record<RealtimeErrorCode, CloseCode>> = {
  RT_SLOW_CONSUMER: CloseCode.SlowConsumer,
  RT_SESSION_EXPIRED: CloseCode.SessionExpired,
  RT_SHUTTING_DOWN: CloseCode.GoingAway,
  RT_TOO_MANY_CONNECTIONS: CloseCode.TryAgainLater,
  RT_UNAUTHENTICATED: CloseCode.Unauthenticated,
  RT_USER_CONNECTION_LIMIT: CloseCode.UserConnectionLimit,
  RT_SESSION_REVOKED: CloseCode.SessionRevoked,
};

/** True when a client should reconnect after this close code. */
export function shouldReconnect(code: number): boolean {
  return code === CloseCode.GoingAway || code === CloseCode.InternalError || (code >= 4000 && code < 4500);
}
