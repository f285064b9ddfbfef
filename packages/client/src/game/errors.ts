/**
 * @module Codes the game client raises itself. Codes the server sends (`GAME_*` in a close or
 * error message, `GAME_PROTOCOL_*`) pass through unchanged in a {@link TicklineApiError}.
 */
export const GameClientErrorCodes = {
  CLIENT_GAME_CONNECT_FAILED: {
    meaning: 'The game connection closed before the server welcomed the player.',
    resolve: 'Check the endpoint from the join answer and that the join token is fresh (ask for a new one).',
  },
  CLIENT_GAME_RESUME_FAILED: {
    meaning: 'The connection dropped and could not be resumed within the grace period.',
    resolve: 'Join again through the coordinator (a new join token) to get a new session.',
  },
  CLIENT_GAME_CLOSED: {
    meaning: 'The game client was closed by its owner while an operation was pending.',
    resolve: 'Create a new client to play again.',
  },
} as const;
export type GameClientErrorCode = keyof typeof GameClientErrorCodes;
