/** @module Why the zone refused a command: stable `GAME_*` reason codes sent back with the authoritative position. */
import { defineErrorCodes } from '@tickline/kernel';

export const GameErrorCodes = defineErrorCodes({
  GAME_MALFORMED: {
    meaning: 'A command had the wrong shape: a missing field, a non-finite number or a non-integer sequence.',
    resolve: 'Fix the client; the command was dropped and the player keeps its authoritative position.',
    httpStatus: 400,
  },
  GAME_MOVE_TOO_FAST: {
    meaning: 'A move covered more distance than the maximum speed allows for the ticks since the last move.',
    resolve: 'Snap the client to the authoritative position in the rejection and keep predicting from there.',
    httpStatus: 400,
  },
  GAME_TELEPORT: {
    meaning:
      'A move jumped further than any legal move could (far beyond the per-tick speed): a teleport attempt.',
    resolve: 'Snap the client to the authoritative position; repeated attempts are counted as cheating.',
    httpStatus: 400,
  },
  GAME_OUT_OF_BOUNDS: {
    meaning: 'A move targeted a point outside the zone.',
    resolve: 'Clamp movement to the zone bounds announced in the welcome message.',
    httpStatus: 400,
  },
  GAME_BLOCKED: {
    meaning: 'A move ended in, or passed through, a blocked cell of the obstacle map.',
    resolve: 'Snap to the authoritative position and route around the obstacle.',
    httpStatus: 400,
  },
  GAME_RATE_LIMITED: {
    meaning: "A client sent more commands in one window of simulated ticks than the zone's limit.",
    resolve: 'Send at most the advertised command rate; stamp each command with the tick it was issued at.',
    httpStatus: 429,
  },
  GAME_STALE_SEQ: {
    meaning:
      'A command repeated or went back on its sequence number, or its tick went backwards or into the future.',
    resolve: 'Number commands with a strictly increasing sequence and a non-decreasing, current tick.',
    httpStatus: 400,
  },
  GAME_NOT_JOINED: {
    meaning: 'A command came for a player that is not in the zone.',
    resolve: 'Send hello (join) first, or rejoin after being removed.',
    httpStatus: 409,
  },
  GAME_ALREADY_JOINED: {
    meaning: 'A join came for a player already in the zone.',
    resolve: 'Resume the existing session instead of joining twice.',
    httpStatus: 409,
  },
  GAME_ZONE_FULL: {
    meaning: 'The zone holds its maximum number of players.',
    resolve: 'Ask the coordinator for another zone.',
    httpStatus: 503,
  },
  GAME_RULES_ERROR: {
    meaning:
      "A game's handler threw or ran past its per-tick time budget: the command was rejected and its changes dropped.",
    resolve: "The room keeps ticking. Fix the game's handler (the log names the game, room and hook).",
    httpStatus: 500,
  },
  GAME_RULES_INVALID: {
    meaning: 'A game module does not fit the rules API (a missing handler, a bad field type, a bad name or version).',
    resolve: 'Fix the game file named in the message; games are checked when they are loaded.',
    httpStatus: 500,
  },
  GAME_RULES_VERSION: {
    meaning: "A room snapshot was taken by another version of its game, and the game has no migrate function for it.",
    resolve: "Give the game a migrate(state, fromVersion) function, or start the room afresh.",
    httpStatus: 409,
  },
  GAME_UNKNOWN_COMMAND: {
    meaning: 'A command named a type the room\'s game does not declare.',
    resolve: 'Send only the command types of the game the room runs.',
    httpStatus: 400,
  },
  GAME_ROOM_CLOSED: {
    meaning: "The room was closed (its game's handlers kept failing, or it was shut down) and takes no more commands.",
    resolve: 'Join another room.',
    httpStatus: 410,
  },
  GAME_ROOM_LIMIT: {
    meaning: 'The game process holds as many rooms as it is configured for (game.rooms.maxPerProcess).',
    resolve: 'Join an open room of the game by type, retry later, or add game processes.',
    httpStatus: 503,
  },
  GAME_ROOM_RATE_LIMITED: {
    meaning: 'The user created more rooms within a minute than game.rooms.createsPerMinute allows.',
    resolve: 'Wait a minute, or join an existing room; rooms are disposed of when empty.',
    httpStatus: 429,
  },
  GAME_UNKNOWN_GAME: {
    meaning: 'No game of that name is loaded on this process (built-in or game.games).',
    resolve: 'Use a game name the process loads (GET /api/v1/game/rooms lists rooms by game).',
    httpStatus: 404,
  },
  GAME_PLAYER_MUTED: {
    meaning: "A moderator muted the player: the room refuses its commands until the mute's end (the message says when).",
    resolve: 'Wait for the mute to end; the player stays in the room and keeps receiving its frames.',
    httpStatus: 403,
  },
  GAME_PLAYER_NOT_IN_ROOM: {
    meaning: 'A moderation action named a player that is not in the room (nor on its way in).',
    resolve: 'Inspect the room (GET /api/v1/admin/rooms/{roomId}) for its players.',
    httpStatus: 404,
  },
  GAME_REPLAY_NOT_FOUND: {
    meaning: "The room's log has no record of its opening within the replay scan (an unknown room, or its records were trimmed by retention).",
    resolve: 'Check the room id; replay rooms while the log still holds them.',
    httpStatus: 404,
  },
  GAME_REPLAY_TOO_LARGE: {
    meaning: 'The replay would step more ticks from the room\'s start (108,000), or read back more log records looking for its opening (2,000,000), than one replay may.',
    resolve: 'Ask for an earlier window (toTick); a room older than the scan is out of reach of replay.',
    httpStatus: 413,
  },
});

/** A reason a command was rejected. */
export type GameRejectReason = keyof typeof GameErrorCodes;

/** The reason codes as constants, so call sites do not spell strings. */
export const RejectReason = {
  Malformed: 'GAME_MALFORMED',
  MoveTooFast: 'GAME_MOVE_TOO_FAST',
  Teleport: 'GAME_TELEPORT',
  OutOfBounds: 'GAME_OUT_OF_BOUNDS',
  Blocked: 'GAME_BLOCKED',
  RateLimited: 'GAME_RATE_LIMITED',
  StaleSeq: 'GAME_STALE_SEQ',
  NotJoined: 'GAME_NOT_JOINED',
  AlreadyJoined: 'GAME_ALREADY_JOINED',
  ZoneFull: 'GAME_ZONE_FULL',
  RulesError: 'GAME_RULES_ERROR',
  UnknownCommand: 'GAME_UNKNOWN_COMMAND',
  RoomClosed: 'GAME_ROOM_CLOSED',
  RoomLimit: 'GAME_ROOM_LIMIT',
  RoomRateLimited: 'GAME_ROOM_RATE_LIMITED',
  UnknownGame: 'GAME_UNKNOWN_GAME',
  PlayerMuted: 'GAME_PLAYER_MUTED',
  PlayerNotInRoom: 'GAME_PLAYER_NOT_IN_ROOM',
  ReplayNotFound: 'GAME_REPLAY_NOT_FOUND',
  ReplayTooLarge: 'GAME_REPLAY_TOO_LARGE',
} as const satisfies Record<string, GameRejectReason>;
