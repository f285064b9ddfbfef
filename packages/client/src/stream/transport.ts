/**
 * @module What a stream transport (SSE, WebSocket) does for a subscription: open one connection
 * with a ticket and a resume position, report what arrives, and say once how it ended.
 */
import type { TicklineApiError } from '../errors.ts';
import type { StreamEvent, StreamReset } from '@tickline/protocol';

export const TransportKind = { Sse: 'sse', Ws: 'ws' } as const;
export type TransportKind = (typeof TransportKind)[keyof typeof TransportKind];

/** One connection attempt. */
export interface ConnectRequest {
  ticket: string;
  channels: readonly string[];
  lastEventId: string | undefined;
  /** Event types the app listens to (SSE needs them: EventSource dispatches by event name). */
  types: ReadonlySet<string>;
}

/** The gateway accepted the subscription. */
export interface OpenedInfo {
  /** Where to resume from if nothing arrives before the next reconnect. */
  position: string;
  resumed: boolean;
  recovered: boolean;
}

/** How a connection ended (not called after {@link TransportConnection.close}). */
export interface EndedInfo {
  /** Reconnect (with a fresh ticket) or give up. */
  retry: boolean;
  error?: TicklineApiError;
}

export interface TransportHandlers {
  opened(info: OpenedInfo): void;
  event(event: StreamEvent): void;
  reset(reset: StreamReset): void;
  /** Called at most once per connection. */
  ended(info: EndedInfo): void;
}

export interface TransportConnection {
  /** Closes without calling `ended`. */
  close(): void;
  /** Starts receiving more event types on the open connection (SSE listeners). */
  listen(types: readonly string[]): void;
}

export type Transport = (request: ConnectRequest, handlers: TransportHandlers) => TransportConnection;

/** `handlers.ended` guarded to run once; `cancel` (the app closed) means it never runs. */
export function onceEnded(handlers: TransportHandlers): {
  end(info: EndedInfo): void;
  cancel(): void;
  readonly done: boolean;
} {
  let done = false;
  return {
    end(info) {
      if (done) return;
      done = true;
      handlers.ended(info);
    },
    cancel() {
      done = true;
    },
    get done() {
      return done;
    },
  };
}
