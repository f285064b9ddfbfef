/**
 * @module The room desk: what the rooms routes ask of the process that holds rooms — make one,
 * list the public ones, and hand a ticket (a single-use join token and the addresses to connect
 * to) for a room by id, by private code, or by game type. `localRoomDesk` is the desk of a process
 * that runs rooms; a gateway's desk (room-desk-rpc.ts) asks game processes over request/reply.
 */
import { GameCloseCode as CloseCode, type GameRoom, type RoomTicket } from '@tickline/protocol';
import type { JoinTokens } from '../coordinator/join-token.ts';
import { GameSessionError } from '../protocol/session-error.ts';
import type { RoomRegistry } from '../rooms/room-registry.ts';
import type { RoomRunner } from '../rooms/room-runner.ts';
import { ROOM_TOKEN_SCOPE } from '../rooms/room-sessions.ts';

/** Who asks: the user and its session version (a revoked session's token is refused). */
export interface DeskCaller {
  userId: string;
  /** Absent for a credential without sessions (an API key). */
  sessionVersion?: number | undefined;
}

/** What to join: exactly one of a room id, a private code, a game type. */
export interface DeskTarget {
  room?: string | undefined;
  code?: string | undefined;
  game?: string | undefined;
}

export interface CreatedAtDesk {
  room: GameRoom;
  code: string | null;
  ticket: RoomTicket;
}

/** The port the routes call. Addresses may hold the host placeholder or be a bare path (resolved per request). */
export interface RoomDesk {
  /** @throws GAME_UNKNOWN_GAME, GAME_ROOM_RATE_LIMITED, GAME_ROOM_LIMIT, GAME_PLAYER_BANNED */
  create(caller: DeskCaller, game: string, isPrivate: boolean): Promise<CreatedAtDesk>;
  list(game?: string): Promise<GameRoom[]>;
  /** @throws GAME_ROOM_UNKNOWN, GAME_PLAYER_BANNED */
  ticket(caller: DeskCaller, target: DeskTarget): Promise<RoomTicket>;
}

/** A process's load as a gateway places rooms by it. */
export interface DeskLoad {
  rooms: number;
  maxRooms: number;
  games: string[];
  /** Per game: seats free in its open public rooms that have players, and players queued. */
  open: Record<string, { freeSeats: number; queued: number }>;
}

/** The local desk, and what a gateway's placement reads of it. */
export interface LocalRoomDesk extends RoomDesk {
  load(): DeskLoad;
  /** Whether a ticket for `target` can be served here (a room held here, or a game loaded here). */
  serves(target: DeskTarget): boolean;
}

export interface LocalRoomDeskOptions {
  rooms: RoomRegistry;
  tokens: JoinTokens;
  /** The transports' addresses as tickets name them. */
  addresses: () => { tcp: string | null; ws: string | null };
  maxRooms: number;
}

export function describeRoom(runner: RoomRunner): GameRoom {
  return {
    room: runner.roomId,
    game: runner.game.name,
    players: runner.players.length,
    minPlayers: runner.game.players.min,
    maxPlayers: runner.game.players.max,
    private: runner.code !== undefined,
    createdAt: new Date(runner.createdAt).toISOString(),
  };
}

export function localRoomDesk(options: LocalRoomDeskOptions): LocalRoomDesk {
  const { rooms } = options;
  /** A banned player gets no ticket (the game connection would refuse it anyway). */
  const refuseBanned = (userId: string) => {
    const until = rooms.bannedUntil(userId);
    if (until !== undefined)
      throw new GameSessionError(CloseCode.Banned, `banned from rooms until ${new Date(until).toISOString()}`);
  };
  const issue = (caller: DeskCaller): RoomTicket => {
    const { token, expiresAt } = options.tokens.issue(caller.userId, ROOM_TOKEN_SCOPE, caller.sessionVersion);
    const { tcp, ws } = options.addresses();
    return { token, tcp, ws, expiresAt: new Date(expiresAt).toISOString() };
  };
  const held = (target: DeskTarget) =>
    target.room !== undefined ? rooms.get(target.room) : target.code !== undefined ? rooms.byCode(target.code) : undefined;
  const serves = (target: DeskTarget) => {
    // A process taking rooms over as it starts holds them before its transports listen: a ticket
    // naming no address would send the player nowhere, so it is asked again until there is one.
    const { tcp, ws } = options.addresses();
    if (tcp === null && ws === null) return false;
    if (target.room !== undefined || target.code !== undefined) {
      const found = held(target);
      // A private room answers to its code only: its id alone does not find it.
      return found !== undefined && !(target.room !== undefined && found.code !== undefined);
    }
    return target.game !== undefined && rooms.game(target.game) !== undefined;
  };
  return {
    async create(caller, game, isPrivate) {
      refuseBanned(caller.userId);
      const runner = rooms.create(game, { private: isPrivate, createdBy: caller.userId });
      return { room: describeRoom(runner), code: runner.code ?? null, ticket: issue(caller) };
    },
    async list(game) {
      return rooms.list(game).map(describeRoom);
    },
    async ticket(caller, target) {
      refuseBanned(caller.userId);
      if (!serves(target))
        throw new GameSessionError(
          CloseCode.RoomUnknown,
          target.game !== undefined
            ? `no game ${target.game.slice(0, 64)} is loaded here`
            : 'no such room here (a private room is joined by its code)',
        );
      return issue(caller);
    },
    serves,
    load() {
      const games = rooms.gameNames();
      const open: DeskLoad['open'] = Object.fromEntries(games.map((g) => [g, { freeSeats: 0, queued: rooms.queued(g) }]));
      for (const runner of rooms.list()) {
        const entry = open[runner.game.name];
        if (entry && runner.players.length + runner.reserved > 0) entry.freeSeats += Math.max(0, runner.freeSeats);
      }
      return { rooms: rooms.size, maxRooms: options.maxRooms, games, open };
    },
  };
}
