/**
 * @module The real-time stream on the wire (SSE and the WebSocket gateway): the event frame, the
 * messages each side sends over WebSocket, and the query parameters of the stream URLs. JSON.
 */

/** What the SDK hands the app for every event. */
export interface StreamEvent<D = unknown> {
  /** Event id (UUIDv7): also the resume position. */
  id: string;
  /** Event type, e.g. `account.snapshot.generated` (see `EventType`). */
  type: string;
  channel: string;
  data: D;
}

/** Channels whose gap is older than the server's history: reload their state from the API. */
export interface StreamReset {
  channels: string[];
  reason: string;
}

/** Why the gateway sends a `reset`. */
export const StreamResetReason = { HistoryExceeded: 'history_exceeded' } as const;
export type StreamResetReason = (typeof StreamResetReason)[keyof typeof StreamResetReason];

/** The JSON of an event on the wire (SSE `data:` and the WebSocket `event` message). */
export interface WireEvent {
  channel: string;
  id: string;
  event: string;
  data: unknown;
}

/** Echoed in a reply so a client can match replies to requests. */
export type StreamRef = string | number;

/** Messages a client sends over WebSocket. */
export type StreamClientMessage =
  | { type: 'subscribe'; channels: string[]; lastEventId?: string; ref?: StreamRef }
  | { type: 'unsubscribe'; channels: string[]; ref?: StreamRef }
  | { type: 'ping'; ref?: StreamRef };

/** Messages the gateway sends over WebSocket besides events (which the hub frames once). */
export type StreamControlMessage =
  | {
      type: 'subscribed';
      channels: string[];
      resumed: boolean;
      recovered: boolean;
      position: string;
      ref?: StreamRef | undefined;
    }
  | { type: 'unsubscribed'; channels: string[]; ref?: StreamRef | undefined }
  | { type: 'reset'; channels: string[]; reason: StreamResetReason; position: string }
  | { type: 'pong'; ref?: StreamRef | undefined }
  | {
      type: 'error';
      code: string;
      message: string;
      details?: Record<string, unknown>;
      ref?: StreamRef | undefined;
    };

/** Every message the gateway sends over WebSocket. */
export type StreamServerMessage = ({ type: 'event' } & WireEvent) | StreamControlMessage;

/** The query parameter carrying a stream ticket (SSE URL and WebSocket upgrade). */
export const STREAM_TICKET_PARAM = 'ticket';
/** The query parameter carrying the resume position when no header can be set (EventSource). */
export const LAST_EVENT_ID_PARAM = 'lastEventId';
