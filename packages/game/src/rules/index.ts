/** @module The game rules API: everything a game module imports (games import nothing else of the engine). */
export { field, FieldKind } from './fields.ts';
export { accept, reject, defineGame, eachTick } from './types.ts';
export { checkGame, gameProblem } from './check-game.ts';
export { GameRulesError, isGameRulesError } from './rules-error.ts';
export { SeededRandom } from './random.ts';
export { decodeCommand } from './decode-command.ts';
export { RulesRoom, DEFAULT_HANDLER_BUDGET_MS, DEFAULT_MAX_CONSECUTIVE_FAILURES } from './rules-room.ts';
export { ROOM_SNAPSHOT_FORMAT } from './room-snapshot.ts';
export { ROOM_FRAME_VERSION, RoomView, encodeRoomFrame, decodeRoomFrame } from './room-delta.ts';
export { RoomClosed } from './room-events.ts';
export type {
  FieldType,
  Fields,
  Values,
  ValueOf,
  BoolField,
  IntField,
  FloatField,
  StringField,
  EnumField,
  IntsField,
} from './fields.ts';
export type {
  GameRules,
  AnyGameRules,
  GameRandom,
  RoomState,
  PlainRoomState,
  CommandOf,
  CommandSpecs,
  RulesContext,
  Decision,
  SpatialOptions,
} from './types.ts';
export type { GameRulesErrorCode } from './rules-error.ts';
export type { DecodedCommand } from './decode-command.ts';
export type { RulesRoomOptions, RoomInput, RoomAck, RoomRejection, RoomStepResult } from './rules-room.ts';
export type { RoomSnapshot } from './room-snapshot.ts';
export type { RoomFrame } from './room-delta.ts';
