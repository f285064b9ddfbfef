/** @module The error a game's module or snapshot raises against the rules API, with its stable code. */
import { TicklineError } from '@tickline/kernel';

/** Codes of {@link GameRulesError} (their meanings are in `GameErrorCodes`). */
export type GameRulesErrorCode = 'GAME_RULES_INVALID' | 'GAME_RULES_VERSION' | 'GAME_RULES_ERROR';

/** A game that does not fit the rules API, or state it cannot take. */
export class GameRulesError extends TicklineError {
  override name = 'GameRulesError';
  declare readonly code: GameRulesErrorCode;

  constructor(code: GameRulesErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(code, message, options);
  }
}

/** True for a {@link GameRulesError}, optionally with the given code (matched by code, not class). */
export function isGameRulesError(error: unknown, code?: GameRulesErrorCode): error is GameRulesError {
  if (typeof error !== 'object' || error === null) return false;
  const c = (error as { code?: unknown }).code;
  return typeof c === 'string' && c.startsWith('GAME_RULES_') && (code === undefined || c === code);
}
