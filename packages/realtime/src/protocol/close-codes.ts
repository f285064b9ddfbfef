/**
 * @module WebSocket close codes, mapped once from error codes. The codes themselves and the
 * reconnect rule (below 4500: reconnect) are the protocol's.
 */
import { StreamCloseCode as CloseCode } from '@tickline/protocol';
import type { RealtimeErrorCode } from '../errors.ts';

// The codes and the reconnect rule are the stream contract (clients read them): @tickline/protocol.
export { StreamCloseCode as CloseCode, shouldReconnect } from '@tickline/protocol';

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
