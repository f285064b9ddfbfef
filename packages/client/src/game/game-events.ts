/** @module What a {@link GameClient} reports: states and the events listeners receive. */
import type { TicklineApiError } from '../errors.ts';
import type { DeltaMessage, WelcomeMessage } from '@tickline/protocol';

/** Where a game client is in its life. */
export const GameClientState = {
  Idle: 'idle',
  Connecting: 'connecting',
  Connected: 'connected',
  /** The connection dropped; the client is reconnecting to resume its session. */
  Resuming: 'resuming',
  Closed: 'closed',
} as const;
export type GameClientState = (typeof GameClientState)[keyof typeof GameClientState];

/** The server applied the player's commands up to `seq`. */
export interface AckEvent {
  seq: number;
  tick: number;
  /** The authoritative position after `seq`. */
  x: number;
  y: number;
  /** Milliseconds from sending `seq` to this ack (undefined when `seq` was sent on an earlier connection). */
  latencyMs: number | undefined;
  /** How far the prediction moved when this ack was reconciled (0 = it was right). */
  correction: number;
}

/** The server refused command `seq` and says where the player really is. */
export interface RejectEvent {
  seq: number;
  tick: number;
  /** A `GAME_*` reason code (e.g. `GAME_MOVE_TOO_FAST`). */
  reason: string;
  x: number;
  y: number;
  latencyMs: number | undefined;
}

/** Why the client closed for good. */
export interface ClosedEvent {
  /** The server's `GAME_*` code, a `CLIENT_GAME_*` code, or `CLIENT_GAME_CLOSED` for `close()`. */
  code: string;
  message: string;
}

export interface GameClientEvents {
  state: { state: GameClientState; previous: GameClientState };
  welcome: WelcomeMessage;
  /** A session was resumed after a drop (the player kept its place). */
  resumed: WelcomeMessage;
  ack: AckEvent;
  reject: RejectEvent;
  delta: DeltaMessage;
  notice: { level: 'info' | 'warn'; text: string };
  /** A new RTT sample, in milliseconds. */
  rtt: number;
  /** A server error message or an undecodable frame; the connection may go on. */
  error: TicklineApiError;
  closed: ClosedEvent;
}
