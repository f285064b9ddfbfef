/**
 * @module Asking the coordinator for a seat: `POST /api/v1/game/join` (authenticated) picks a zone
 * (the requested one, or the least loaded with room) and answers with its endpoints and a
 * short-lived join token for the hello.
 */
import type { HttpRequest } from '../http/http-client.ts';

/** The coordinator's route. */
export const DEFAULT_GAME_JOIN_PATH = '/api/v1/game/join';

/** Options of {@link joinGame}. */
export interface JoinGameOptions {
  /** A zone to join; the coordinator picks the least loaded one with room when absent. */
  zone?: string;
  /** @default DEFAULT_GAME_JOIN_PATH */
  path?: string;
}

/** The coordinator's answer. */
export interface GameJoin {
  /** The join token for the hello: single-use, short-lived. */
  token: string;
  zone: string;
  /** `tcp://host:port`, or null when the zone is not served over TCP. */
  tcp: string | null;
  /** `ws://host:port/…`, or null when the zone is not served over WebSocket. */
  ws: string | null;
  /** Token expiry, ISO 8601. */
  expiresAt: string;
}

/**
 * Requests a seat through an authenticated SDK client (`createTicklineClient(...)`, signed in or
 * with an API key).
 */
export function joinGame(
  client: { request<T>(request: HttpRequest): Promise<T> },
  options: JoinGameOptions = {},
): Promise<GameJoin> {
  return client.request<GameJoin>({
    method: 'POST',
    path: options.path ?? DEFAULT_GAME_JOIN_PATH,
    body: options.zone !== undefined ? { zone: options.zone } : {},
  });
}
