/**
 * @module @tickline/client/game — the game protocol client: handshake with a join token,
 * heartbeats, resume after a drop, moves with client seq, prediction and reconciliation,
 * interpolation of others. WebSocket by default (browsers, Node); TCP in Node through
 * `@tickline/client/game/tcp`.
 *
 * @example
 * const { ws, token } = await joinGame(client, { zone: 'zone-1' });
 * const game = new GameClient({ url: ws!, token });
 * await game.connect();
 * game.move(0.5, 0);
 */
export { GameClient } from './game-client.ts';
export { GameClientState } from './game-events.ts';
export { RoomClient, RoomClientState } from './room-client.ts';
export { GameClientErrorCodes } from './errors.ts';
export { createWsConnector } from './connector.ts';
export { joinGame, DEFAULT_GAME_JOIN_PATH, roomTicket, createRoom } from './join.ts';
export { Predictor } from './prediction.ts';
export { Interpolator, DEFAULT_INTERPOLATION_DELAY_TICKS } from './interpolation.ts';
export { TickClock, DEFAULT_MAX_LEAD_TICKS } from './tick-clock.ts';
export {
  DEFAULT_GAME_PING_INTERVAL_MS,
  DEFAULT_GAME_DEAD_AFTER_MS,
  DEFAULT_RESUME_GRACE_MS,
} from './game-client-options.ts';
// The wire protocol is @tickline/protocol's; re-exported so SDK users find it beside the client.
export {
  GAME_PROTOCOL_VERSION,
  MessageType,
  encodeMessage,
  decodeMessage,
  KNOWN_MESSAGE_TYPES,
  DEFAULT_MAX_MESSAGE_BYTES,
  encodeFrame,
  FrameDecoder,
  FRAME_HEADER_BYTES,
  DEFAULT_MAX_FRAME_BYTES,
  GameCloseCode,
  RoomView,
  decodeRoomFrame,
} from '@tickline/protocol';

export type { MoveToOptions } from './game-client.ts';
export type {
  RoomClientOptions,
  RoomClientEvents,
  RoomJoinTarget,
  RoomCommand,
  RoomPredictor,
  RoomStateView,
} from './room-client.ts';
export type { GameClientEvents, AckEvent, RejectEvent, ClosedEvent } from './game-events.ts';
export type { GameClientOptions } from './game-client-options.ts';
export type { GameClientErrorCode } from './errors.ts';
export type {
  GameConnector,
  GameSocket,
  GameSocketHandlers,
  BinaryWebSocketLike,
  BinaryWebSocketConstructor,
} from './connector.ts';
export type { GameJoin, JoinGameOptions } from './join.ts';
export type { PendingInput, Bounds, ReconcileResult } from './prediction.ts';
export type { RemotePlayer } from './interpolation.ts';
export type {
  GameMessage,
  ClientMessage,
  ServerMessage,
  EntityState,
  HelloMessage,
  MoveMessage,
  PingMessage,
  LeaveMessage,
  HeartbeatAckMessage,
  WelcomeMessage,
  TickMessage,
  TickAck,
  EnteredEntity,
  MovedEntity,
  RejectMessage,
  DeltaMessage,
  NoticeMessage,
  PongMessage,
  ErrorMessage,
  CloseMessage,
  HeartbeatMessage,
} from '@tickline/protocol';
