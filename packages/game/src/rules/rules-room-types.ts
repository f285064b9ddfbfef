/**
 * @module What a rules room is built from and answers: its options and defaults, its inputs, and
 * one step's result. A module of its own so hosts, journals and tests name them without the room.
 */
import type { Clock, EventEnvelope, Logger } from '@tickline/kernel';
import type { AnyGameRules } from './types.ts';

/** Each handler call may take this long before its result is thrown away. */
export const DEFAULT_HANDLER_BUDGET_MS = 10;
/** Failed handler calls in a row (no success between) after which the room closes. */
export const DEFAULT_MAX_CONSECUTIVE_FAILURES = 5;
/** Ticks a second of a room whose game names none and whose host says nothing. */
export const DEFAULT_ROOM_TICK_RATE_HZ = 20;

export interface RulesRoomOptions<G extends AnyGameRules = AnyGameRules> {
  game: G;
  roomId: string;
  /** Seed of the room's random source. @default 1 */
  seed?: number;
  /** Event times and `ctx.nowMs`. @default systemClock */
  clock?: Clock;
  logger?: Logger;
  /** @default DEFAULT_HANDLER_BUDGET_MS */
  handlerBudgetMs?: number;
  /** @default DEFAULT_MAX_CONSECUTIVE_FAILURES */
  maxConsecutiveFailures?: number;
  /**
   * Reads the time in ms handlers are measured against their budget by. @default this thread's CPU
   * time: a budget judges the handler's own work, so a collector pause or a busy core (wall time)
   * never fails a game's command.
   */
  timer?: () => number;
  /** The room event source's last seq (restores continue the sequence). @default 0 */
  lastEventSeq?: number;
  /**
   * The room's tick rate, for `ctx.tickMs` (the loop that steps it is the host's).
   * @default the game's `tickRateHz`, else DEFAULT_ROOM_TICK_RATE_HZ
   */
  tickRateHz?: number;
}

/** What a room is asked to do: a player joins, leaves, or sends one of the game's commands. */
export type RoomInput =
  | { kind: 'join'; playerId: string; seq: number }
  | { kind: 'leave'; playerId: string; seq: number; reason?: string }
  | { kind: 'command'; playerId: string; seq: number; command: unknown }
  /** A moderator mutes the player until `untilMs` (the tick clock; 0 lifts it): its commands are refused. */
  | { kind: 'mute'; playerId: string; seq: number; untilMs: number };

export interface RoomAck {
  playerId: string;
  seq: number;
}
export interface RoomRejection extends RoomAck {
  /** A `GAME_*` code of the engine, or one of the game's `reasons`. */
  reason: string;
  message?: string;
}

/** One step's output. Arrays belong to the caller (a new result per step). */
export interface RoomStepResult {
  tick: number;
  acks: RoomAck[];
  rejections: RoomRejection[];
  events: EventEnvelope[];
  /**
   * The tick's delta frame, the same bytes for every player; undefined when nothing changed, and
   * always for a game whose players see different things (see `viewFrames`).
   */
  frame: Uint8Array | undefined;
  /**
   * The frames of a spatial game or one with `owner` fields, one per player whose view changed (a
   * player new to the room gets its whole view with the reset flag). Undefined for other games.
   */
  viewFrames: Map<string, Uint8Array> | undefined;
  /** Set on the step that closed the room: tell its players, then drop them. */
  closed: { code: string; message: string } | undefined;
}
