/**
 * @module Asking the coordinator for a seat: `POST /api/v1/game/join` (authenticated) picks a zone
 * (the requested one, or the least loaded with room) and answers with its endpoints and a
 * short-lived join token for the hello. Rooms of the rules API have their own tickets.
 */
import type { CreatedRoom, JoinTicket, RoomTicket } from '@tickline/protocol';
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

/** The coordinator's answer: the protocol's join ticket (token, zone, `tcp`/`ws` endpoints or null, expiry). */
export type GameJoin = JoinTicket;

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

type RequestClient = { request<T>(request: HttpRequest): Promise<T> };

/**
 * A ticket for a rules room (`POST /api/v1/game/rooms/join`): name exactly one of `room`, `code`
 * or `game`, and join with the same target in {@link RoomClient}'s `join`.
 */
export function roomTicket(client: RequestClient, target: { room?: string; code?: string; game?: string }): Promise<RoomTicket> {
  return client.request<RoomTicket>({ method: 'POST', path: '/api/v1/game/rooms/join', body: target });
}

/** Makes a room of `game` (`POST /api/v1/game/rooms`): the room, a private room's code, and the creator's ticket. */
export function createRoom(client: RequestClient, game: string, options: { private?: boolean } = {}): Promise<CreatedRoom> {
  return client.request<CreatedRoom>({ method: 'POST', path: '/api/v1/game/rooms', body: { game, private: options.private ?? false } });
}
