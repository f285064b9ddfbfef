/**
 * @module Messages the WebSocket gateway sends (besides events, which the hub frames once):
 * `subscribed`, `unsubscribed`, `reset`, `pong` and `error`, all JSON objects with a `type`.
 */
import type { TicklineError } from '@tickline/kernel';
import type { StreamControlMessage, StreamRef } from '@tickline/protocol';

type Ref = StreamRef | undefined;

/** The gateway's control messages: the stream contract's, defined in @tickline/protocol. */
export type ServerMessage = StreamControlMessage;

/** The `error` message for a Tickline error. */
export function errorMessage(error: TicklineError, ref?: Ref): ServerMessage {
  return {
    type: 'error',
    code: error.code,
    message: error.message,
    ...(error.details ? { details: error.details } : {}),
    ...(ref !== undefined ? { ref } : {}),
  };
}
