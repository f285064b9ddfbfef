/** @module Errors of the game wire protocol: `GAME_PROTOCOL_*` codes; each closes the offending connection. */
import { defineErrorCodes, errorGuard, TicklineError } from '@tickline/kernel';

export const GameProtocolErrorCodes = defineErrorCodes({
  GAME_PROTOCOL_MALFORMED: {
    meaning: 'A game message was not MessagePack, not a message array, or had fields of the wrong type.',
    resolve: 'Fix the client; the connection is closed with this reason and the zone is not affected.',
    httpStatus: 400,
  },
  GAME_PROTOCOL_TOO_LARGE: {
    meaning: 'A game frame or message was larger than the maximum size.',
    resolve: 'Send smaller messages; the limit protects the server from memory exhaustion.',
    httpStatus: 413,
  },
  GAME_PROTOCOL_UNKNOWN_TYPE: {
    meaning: 'A game message carried a type code this build does not know.',
    resolve: 'Upgrade the server or the client so both speak the same message set.',
    httpStatus: 400,
  },
  GAME_PROTOCOL_VERSION: {
    meaning: 'A game message carried a protocol version this build does not speak.',
    resolve: 'Upgrade the client (or server) to the announced protocol version.',
    httpStatus: 400,
  },
});

export type GameProtocolErrorCode = keyof typeof GameProtocolErrorCodes;

/** A message or frame that cannot be accepted; `code` says why. */
export class GameProtocolError extends TicklineError {
  override name = 'GameProtocolError';
  declare readonly code: GameProtocolErrorCode;
  constructor(code: GameProtocolErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details === undefined ? {} : { details });
  }
}

export const isGameProtocolMalformed = errorGuard('GAME_PROTOCOL_MALFORMED');
export const isGameProtocolTooLarge = errorGuard('GAME_PROTOCOL_TOO_LARGE');
export const isGameProtocolUnknownType = errorGuard('GAME_PROTOCOL_UNKNOWN_TYPE');
export const isGameProtocolVersion = errorGuard('GAME_PROTOCOL_VERSION');
