/**
 * @module The game server's side of the wire protocol's codes: the `GAME_PROTOCOL_*` and session
 * close-code catalogues live in `@tickline/protocol` (the SDK reads them too) and are registered
 * here with the kernel's catalogue, so `docs/errors.md` and the gateway's status table list them;
 * and the error the session layer and the coordinator throw.
 */
import { defineErrorCodes, TicklineError } from '@tickline/kernel';
import { GameProtocolErrorCodes, GameSessionErrorCodes, type GameSessionErrorCode } from '@tickline/protocol';

defineErrorCodes(GameProtocolErrorCodes);
defineErrorCodes(GameSessionErrorCodes);

/** A session or coordinator failure with its close code (HTTP status from the catalogue). */
export class GameSessionError extends TicklineError {
  override name = 'GameSessionError';
  declare readonly code: GameSessionErrorCode;
  constructor(code: GameSessionErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details === undefined ? {} : { details });
  }
}
