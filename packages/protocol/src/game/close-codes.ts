/**
 * @module Why the server closes a game connection: the `code` of the last close message (and the
 * WebSocket close reason). Protocol violations use the `GAME_PROTOCOL_*` codes; these are the
 * session's own. The game server registers this catalogue with the kernel's.
 */
import type { ProtocolErrorDescription } from './errors.ts';

export const GameSessionErrorCodes = {
  GAME_TOKEN_INVALID: {
    meaning: 'The join token was malformed, wrongly signed, or issued for another zone.',
    resolve: 'Ask `POST /api/v1/game/join` for a new token and connect to the zone it names.',
    httpStatus: 401,
  },
  GAME_TOKEN_EXPIRED: {
    meaning: 'The join token expired before the hello arrived.',
    resolve: 'Request a new token right before connecting; tokens live a few seconds.',
    httpStatus: 401,
  },
  GAME_TOKEN_REUSED: {
    meaning: 'The join token had already been used once (tokens are single-use).',
    resolve:
      'Request a new token per connection; reconnect within the grace period with the session id instead.',
    httpStatus: 401,
  },
  GAME_HANDSHAKE_REQUIRED: {
    meaning: 'The first message was not a hello, or a hello came twice on one connection.',
    resolve: 'Send exactly one hello first, then commands.',
    httpStatus: 400,
  },
  GAME_HANDSHAKE_TIMEOUT: {
    meaning: 'No hello arrived within the handshake timeout after connecting.',
    resolve: 'Send the hello right after the connection opens.',
    httpStatus: 408,
  },
  GAME_SESSION_EXPIRED: {
    meaning: 'A resume named a session that does not exist (its grace period ended, or never existed).',
    resolve: 'Join again with a new token; the player left the zone when the grace period ended.',
    httpStatus: 404,
  },
  GAME_SESSION_REPLACED: {
    meaning: 'The same player connected again (new hello or resume); the older connection was closed.',
    resolve: 'Keep one connection per player.',
    httpStatus: 409,
  },
  GAME_SESSION_REVOKED: {
    meaning:
      "The player's credential was revoked (sign-out everywhere, a disabled account, a role or tier change, a revoked API key): the session ended and cannot be resumed.",
    resolve: 'Sign in again, then join again with a new token.',
    httpStatus: 401,
  },
  GAME_SESSION_IDLE: {
    meaning: 'Nothing arrived from the client within the idle timeout (heartbeats unanswered).',
    resolve: 'Answer heartbeats; reconnect and resume within the grace period.',
    httpStatus: 408,
  },
  GAME_SESSION_FLOOD: {
    meaning: 'The client sent more messages per second than the connection limit allows.',
    resolve: 'Send at most the advertised command rate; the player may resume within the grace period.',
    httpStatus: 429,
  },
  GAME_SESSION_SLOW_CONSUMER: {
    meaning: "The client read too slowly: its connection's send buffer passed the limit and it was dropped.",
    resolve: 'Read faster or from a better network; resume within the grace period.',
    httpStatus: 503,
  },
  GAME_SESSION_ENDED: {
    meaning: 'The player left the zone (leave message); a normal close.',
    resolve: 'Nothing to do; join again to play.',
    httpStatus: 200,
  },
  GAME_ZONE_UNKNOWN: {
    meaning: 'The requested zone is not registered with the coordinator or not hosted by this server.',
    resolve: 'Use a zone id the coordinator lists, or omit it to get the least loaded zone.',
    httpStatus: 404,
  },
  GAME_NO_ZONE_AVAILABLE: {
    meaning: 'Every zone is full or draining.',
    resolve: 'Retry later, or add zones (game.zones) or game processes.',
    httpStatus: 503,
  },
  GAME_ZONE_DRAINING: {
    meaning: 'The zone is draining for a restart: it accepts no new players and closes connections.',
    resolve: 'Ask the coordinator for a zone again, then join it.',
    httpStatus: 503,
  },
  GAME_ZONE_MOVED: {
    meaning:
      'The zone moved to another game process (an operator handed it off, or another process took it over): the session went with it.',
    resolve:
      'Ask the coordinator (`POST /api/v1/game/join` with the same zone) for its new address and resume the session there; the SDK does this when its token function returns a seat.',
    httpStatus: 503,
  },
  GAME_SERVER_FULL: {
    meaning: 'The game server holds as many connections as it is configured for (game.limits.maxConnections).',
    resolve: 'Retry later with backoff, or add game processes.',
    httpStatus: 503,
  },
  GAME_ADDRESS_LIMIT: {
    meaning:
      'This address already holds as many game connections as allowed (game.limits.maxConnectionsPerAddress).',
    resolve: 'Close unused connections; behind a shared NAT, raise the limit.',
    httpStatus: 429,
  },
  GAME_ROOM_UNKNOWN: {
    meaning:
      'The room asked for is not served here, its private code does not match, or the game type asked for is not loaded.',
    resolve: 'List rooms with `GET /api/v1/game/rooms`, or join by game type; check the private code.',
    httpStatus: 404,
  },
  GAME_ROOM_REFUSED: {
    meaning: 'The room refused the join (full, closed, or the game said no); the reject before the close says why.',
    resolve: 'Join another room of the game, or by game type to be matched.',
    httpStatus: 409,
  },
  GAME_PLAYER_KICKED: {
    meaning: 'A moderator removed the player from its room; the close message gives the reason.',
    resolve: 'Join another room (or the same one again: a kick is not a ban).',
    httpStatus: 403,
  },
  GAME_PLAYER_BANNED: {
    meaning: "A moderator banned the player from rules rooms for a period; joins are refused until it ends.",
    resolve: 'Wait for the ban to end (the message says when), or ask the operator.',
    httpStatus: 403,
  },
  GAME_SERVER_SHUTDOWN: {
    meaning: 'The game server is shutting down.',
    resolve: 'Reconnect after it restarts and resume within the grace period, or join another zone.',
    httpStatus: 503,
  },
} as const satisfies Record<string, ProtocolErrorDescription>;

/** A session close code. */
export type GameSessionErrorCode = keyof typeof GameSessionErrorCodes;

/** The session close codes as constants. */
export const GameCloseCode = {
  TokenInvalid: 'GAME_TOKEN_INVALID',
  TokenExpired: 'GAME_TOKEN_EXPIRED',
  TokenReused: 'GAME_TOKEN_REUSED',
  HandshakeRequired: 'GAME_HANDSHAKE_REQUIRED',
  HandshakeTimeout: 'GAME_HANDSHAKE_TIMEOUT',
  SessionExpired: 'GAME_SESSION_EXPIRED',
  SessionReplaced: 'GAME_SESSION_REPLACED',
  SessionRevoked: 'GAME_SESSION_REVOKED',
  Idle: 'GAME_SESSION_IDLE',
  Flood: 'GAME_SESSION_FLOOD',
  SlowConsumer: 'GAME_SESSION_SLOW_CONSUMER',
  Ended: 'GAME_SESSION_ENDED',
  ZoneUnknown: 'GAME_ZONE_UNKNOWN',
  NoZoneAvailable: 'GAME_NO_ZONE_AVAILABLE',
  Draining: 'GAME_ZONE_DRAINING',
  ZoneMoved: 'GAME_ZONE_MOVED',
  Shutdown: 'GAME_SERVER_SHUTDOWN',
  ServerFull: 'GAME_SERVER_FULL',
  AddressLimit: 'GAME_ADDRESS_LIMIT',
  RoomUnknown: 'GAME_ROOM_UNKNOWN',
  RoomRefused: 'GAME_ROOM_REFUSED',
  Kicked: 'GAME_PLAYER_KICKED',
  Banned: 'GAME_PLAYER_BANNED',
} as const satisfies Record<string, GameSessionErrorCode>;

/**
 * Close codes after which a client that had a session looks the zone up again and resumes there
 * (the zone moved, or its process is restarting; an address the zone left answers "unknown"),
 * rather than giving up: the session outlives the connection for the grace period.
 */
export const GAME_FOLLOW_CLOSE_CODES: ReadonlySet<string> = new Set([
  GameCloseCode.ZoneMoved,
  GameCloseCode.Shutdown,
  GameCloseCode.ZoneUnknown,
]);
