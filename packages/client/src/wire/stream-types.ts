/**
 * @module Stream wire formats of the realtime gateway, copied as types and one small table so the
 * SDK runs in browsers without server code; `wire-types.test.ts` checks them against realtime's.
 */

/** What the SDK hands the app for every event. */
export interface StreamEvent<D = unknown> {
  /** Event id (UUIDv7): also the resume position. */
  id: string;
  /** Event type, e.g. `account.snapshot.generated`. */
  type: string;
  channel: string;
  data: D;
}

/** Channels whose gap is older than the server's history: reload their state from the API. */
export interface StreamReset {
  channels: string[];
  reason: string;
}

/** The JSON of an event on the wire (SSE `data:` and the WebSocket `event` message). */
export interface WireEvent {
  channel: string;
  id: string;
  event: string;
  data: unknown;
}

/** Messages the client sends over WebSocket. */
export type WsClientMessage =
  | { type: 'subscribe'; channels: string[]; lastEventId?: string; ref?: string | number }
  | { type: 'unsubscribe'; channels: string[]; ref?: string | number }
  | { type: 'ping'; ref?: string | number };

/** Messages the gateway sends over WebSocket. */
export type WsServerMessage =
  | ({ type: 'event' } & WireEvent)
  | {
      type: 'subscribed';
      channels: string[];
      resumed: boolean;
      recovered: boolean;
      position: string;
      ref?: string | number;
    }
  | { type: 'unsubscribed'; channels: string[]; ref?: string | number }
  | { type: 'reset'; channels: string[]; reason: string; position: string }
  | { type: 'pong'; ref?: string | number }
  | {
      type: 'error';
      code: string;
      message: string;
      details?: Record<string, unknown>;
      ref?: string | number;
    };

/** WebSocket close codes the gateway uses (realtime `CloseCode`). */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  /** No close frame: the connection dropped or the upgrade was refused. */
  Abnormal: 1006,
  InternalError: 1011,
  SessionExpired: 4001,
  SlowConsumer: 4008,
  TryAgainLater: 4013,
  Unauthenticated: 4501,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * True when the gateway's close code means "reconnect" (realtime `shouldReconnect`), or when the
 * connection simply dropped (1005/1006 never come from the server's close frame).
 */
export function shouldReconnectAfterClose(code: number): boolean {
  if (code === 1005 || code === CloseCode.Abnormal) return true;
  return code === CloseCode.GoingAway || code === CloseCode.InternalError || (code >= 4000 && code < 4500);
}

/** SSE `event: error` and WebSocket `error` codes after which the gateway closes and a reconnect is right. */
export const RECONNECTABLE_STREAM_ERRORS: ReadonlySet<string> = new Set([
  'RT_SLOW_CONSUMER',
  'RT_SESSION_EXPIRED',
  'RT_SHUTTING_DOWN',
  'RT_TOO_MANY_CONNECTIONS',
  'RT_AUTH_UNAVAILABLE',
]);
