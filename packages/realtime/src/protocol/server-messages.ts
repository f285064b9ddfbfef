/**
 * @module Messages the WebSocket gateway sends (besides events, which the hub frames once):
 * `subscribed`, `unsubscribed`, `reset`, `pong` and `error`, all JSON objects with a `type`.
 */
import type { TicklineError } from '@tickline/kernel';

type Ref = string | number | undefined;

export type ServerMessage =
  | {
      type: 'subscribed';
      channels: string[];
      resumed: boolean;
      recovered: boolean;
      position: string;
      ref?: Ref;
    }
  | { type: 'unsubscribed'; channels: string[]; ref?: Ref }
  | { type: 'reset'; channels: string[]; reason: 'history_exceeded'; position: string }
  | { type: 'pong'; ref?: Ref }
  | { type: 'error'; code: string; message: string; details?: Record<string, unknown>; ref?: Ref };

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
