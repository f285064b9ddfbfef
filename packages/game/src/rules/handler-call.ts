/**
 * @module How a rules room calls its game's hooks and refuses an input: plain functions, so a
 * command's path through the room makes no closure (the room made two per command, a handler and a
 * refusal, ten times a second for every player of a busy arena).
 */
import type { State } from './handler-draft.ts';
import type { RoomStepResult } from './rules-room-types.ts';
import type { AnyGameRules, Decision, RulesContext } from './types.ts';

/** Answers an input with a refusal (a function, not a closure made for every input). */
export function rejectInput(
  result: RoomStepResult,
  playerId: string,
  seq: number,
  reason: string,
  message?: string,
): void {
  result.rejections.push(
    message === undefined ? { playerId, seq, reason } : { playerId, seq, reason, message },
  );
}

/** The game's hooks a room runs on a draft. */
export type Hook = 'join' | 'leave' | 'command' | 'tick';

/** Calls one of the game's hooks (a switch, not a closure made for every input). */
export function callHandler(
  game: AnyGameRules,
  hook: Hook,
  state: State,
  playerId: string,
  command: unknown,
  ctx: RulesContext,
): Decision | void {
  switch (hook) {
    case 'command':
      return game.command(state, playerId, command as never, ctx);
    case 'join':
      return game.join(state, playerId, ctx);
    case 'leave':
      return void game.leave(state, playerId, ctx);
    case 'tick':
      return void game.tick!(state, ctx);
  }
}
