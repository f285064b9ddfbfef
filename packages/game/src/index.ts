/**
 * @module @tickline/game — server-authoritative zones: a pure simulation step on a fixed tick,
 * command validation, interest management, and the MessagePack wire protocol.
 */
export { Zone } from './zone/zone.ts';
export { resolveZoneOptions } from './zone/zone-config.ts';
export { ObstacleMap } from './zone/obstacle-map.ts';
export { GameErrorCodes, RejectReason } from './zone/errors.ts';
export { PlayerJoined, PlayerMoved, PlayerLeft, GameEvents } from './zone/events.ts';
export { ZONE_SNAPSHOT_FORMAT } from './zone/snapshot.ts';
export { GAME_PROTOCOL_VERSION, MessageType } from './protocol/messages.ts';
export { GameSessionErrorCodes, CloseCode, GameSessionError } from './protocol/close-codes.ts';
export { ZoneRunner } from './loop/zone-runner.ts';
export { systemScheduler } from './loop/scheduler.ts';
export { encodeMessage, decodeMessage, DEFAULT_MAX_MESSAGE_BYTES } from './protocol/codec.ts';
export {
  encodeFrame,
  FrameDecoder,
  FRAME_HEADER_BYTES,
  DEFAULT_MAX_FRAME_BYTES,
} from './protocol/framing.ts';
export {
  GameProtocolErrorCodes,
  GameProtocolError,
  isGameProtocolMalformed,
  isGameProtocolTooLarge,
  isGameProtocolUnknownType,
  isGameProtocolVersion,
} from './protocol/errors.ts';

export type { Ack, Rejection, TickResult } from './zone/zone.ts';
export type { ZoneOptions, ResolvedZoneOptions } from './zone/zone-config.ts';
export type { ObstacleMapConfig } from './zone/obstacle-map.ts';
export type { ZoneCommand, JoinCommand, MoveCommand, LeaveCommand } from './zone/commands.ts';
export type { GameRejectReason } from './zone/errors.ts';
export type { ViewDelta } from './zone/interest.ts';
export type { PlayerTable } from './zone/player-table.ts';
export type { ZoneSnapshot, PlayerSnapshot } from './zone/snapshot.ts';
export type * from './protocol/messages.ts';
export type { DecodeMessageOptions } from './protocol/codec.ts';
export type { GameProtocolErrorCode } from './protocol/errors.ts';
export type { GameSessionErrorCode } from './protocol/close-codes.ts';
export type { ZoneHost, TickInfo, TickListener, DrainOptions } from './loop/zone-host.ts';
export type { ZoneClients, ZoneRunnerStats } from './loop/zone-runner.ts';
export type { ZoneRunnerOptions, EventSink } from './loop/runner-options.ts';
export type { Scheduler } from './loop/scheduler.ts';
