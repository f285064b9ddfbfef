/**
 * @module What operators do to rules rooms: list them by game (private ones too), inspect one's
 * live state, kick, mute or message a player, ban a player from rooms for a period, replay a
 * window of a room as one player saw it, and hand a room off to another game process. `localRoomOperations` acts on this process's rooms;
 * `remoteRoomOperations` (room-rpc.ts) on every game process's. The platform's operations API
 * calls this port (and audits every call).
 */
import { TicklineError } from '@tickline/kernel';
import { GameCloseCode as CloseCode } from '@tickline/protocol';
import type { EventLog } from '@tickline/eventlog';
import type { HandOffResult } from '../module/game-host-types.ts';
import { GameSessionError } from '../protocol/session-error.ts';
import { GameSnapshotError } from '../snapshots/snapshot-errors.ts';
import type { AnyGameRules } from '../rules/index.ts';
import type { RoomRegistry } from '../rooms/room-registry.ts';
import { replayRoom, type RoomReplay } from '../rooms/room-replay.ts';
import type { RoomRunner } from '../rooms/room-runner.ts';
import type { RoomSessions } from '../rooms/room-sessions.ts';
import { RejectReason } from '../zone/errors.ts';

export type { RoomReplay, ReplayedMessage } from '../rooms/room-replay.ts';

const MINUTE_MS = 60_000;

/** A room as the operator sees it in a list. */
export interface RoomAdminSummary {
  roomId: string;
  game: string;
  gameVersion: number;
  players: number;
  maxPlayers: number;
  private: boolean;
  /** A private room's join code. */
  code: string | null;
  tick: number;
  closed: boolean;
  createdAt: string;
}

/** A room's live state and its players. */
export interface RoomInspection extends RoomAdminSummary {
  seats: Array<{ playerId: string; joined: boolean; connected: boolean; mutedUntil: string | null }>;
  /** The game's state: the room's fields and each entity's. */
  state: { room: Record<string, unknown>; entities: Record<string, Record<string, unknown>> };
}

export interface ReplayRequest {
  roomId: string;
  playerId: string;
  fromTick?: number | undefined;
  toTick?: number | undefined;
}

/** The port. Room-scoped calls throw GAME_ROOM_UNKNOWN for a room no game process holds. */
export interface RoomOperations {
  rooms(game?: string): Promise<RoomAdminSummary[]>;
  inspect(roomId: string): Promise<RoomInspection>;
  kick(roomId: string, playerId: string, reason: string): Promise<{ roomId: string; playerId: string }>;
  mute(roomId: string, playerId: string, minutes: number): Promise<{ roomId: string; playerId: string; until: string }>;
  message(roomId: string, playerId: string, level: 'info' | 'warn', text: string): Promise<{ roomId: string; playerId: string }>;
  /** Bans a player from every game process's rooms for `minutes` (0 lifts it), removing it from its room. */
  ban(playerId: string, minutes: number, reason: string): Promise<{ playerId: string; until: string | null; removedFrom: string[] }>;
  replay(request: ReplayRequest): Promise<RoomReplay>;
  /**
   * Moves the room to another game process (final snapshot, players told GAME_ZONE_MOVED and
   * resumed there). @throws GAME_ROOM_UNKNOWN, GAME_HANDOFF_UNAVAILABLE (no Redis, failover off)
   */
  handOff(roomId: string, message: string): Promise<HandOffResult>;
}

/** This process's rooms; room-scoped calls answer undefined for a room held elsewhere. */
export interface LocalRoomOperations {
  rooms(game?: string): RoomAdminSummary[];
  inspect(roomId: string): RoomInspection | undefined;
  kick(roomId: string, playerId: string, reason: string): { roomId: string; playerId: string } | undefined;
  mute(roomId: string, playerId: string, minutes: number): { roomId: string; playerId: string; until: string } | undefined;
  message(roomId: string, playerId: string, level: 'info' | 'warn', text: string): { roomId: string; playerId: string } | undefined;
  /** `untilMs`, when given, is the instant a remote caller chose for every process alike. */
  ban(playerId: string, minutes: number, reason: string, untilMs?: number): { playerId: string; until: string | null; removedFrom: string[] };
  /** The bans in force here, and taking a peer's (a process that starts learns them from those running). */
  bans(): Array<[playerId: string, untilMs: number]>;
  adoptBans(bans: ReadonlyArray<readonly [string, number]>): void;
  replay(request: ReplayRequest): Promise<RoomReplay>;
  handOff(roomId: string, message: string): Promise<HandOffResult | undefined>;
}

export interface LocalRoomOperationsOptions {
  registry: RoomRegistry;
  sessions: RoomSessions;
  games: () => ReadonlyMap<string, AnyGameRules>;
  /** The log a room's journal is on. */
  logFor: (roomId: string) => Pick<EventLog, 'read' | 'head'>;
  /** The room failover's hand-off (room-failover.ts); none: hand-offs are refused. */
  handOff?: (roomId: string, message: string) => Promise<HandOffResult>;
  now?: () => number;
}

function summary(runner: RoomRunner): RoomAdminSummary {
  return {
    roomId: runner.roomId,
    game: runner.game.name,
    gameVersion: runner.game.version,
    players: runner.players.length,
    maxPlayers: runner.game.players.max,
    private: runner.code !== undefined,
    code: runner.code ?? null,
    tick: runner.tick,
    closed: runner.room.closed,
    createdAt: new Date(runner.createdAt).toISOString(),
  };
}

/** The unknown-room error of the port (the same code players get for a room not served). */
export const unknownRoom = (roomId: string): GameSessionError =>
  new GameSessionError(CloseCode.RoomUnknown, `no game process holds room ${roomId}`);

const notInRoom = (roomId: string, playerId: string) =>
  new TicklineError(RejectReason.PlayerNotInRoom, `player ${playerId} is not in room ${roomId}`, {
    details: { roomId, playerId },
  });

export function localRoomOperations(options: LocalRoomOperationsOptions): LocalRoomOperations {
  const { registry, sessions } = options;
  const now = options.now ?? Date.now;
  const seated = (runner: RoomRunner, playerId: string) => sessions.seatedIn(runner).some((s) => s.playerId === playerId);
  return {
    rooms: (game) => registry.all(game).map(summary),
    inspect(roomId) {
      const runner = registry.get(roomId);
      if (!runner) return undefined;
      const { room, entities } = runner.room.state;
      const muted = (id: string) => {
        const until = runner.room.mutedUntil(id);
        return until === undefined ? null : new Date(until).toISOString();
      };
      return {
        ...summary(runner),
        seats: sessions.seatedIn(runner).map((s) => ({ ...s, mutedUntil: muted(s.playerId) })),
        state: {
          room: { ...(room as Record<string, unknown>) },
          entities: Object.fromEntries([...entities].map(([id, v]) => [id, { ...(v as Record<string, unknown>) }])),
        },
      };
    },
    kick(roomId, playerId, reason) {
      if (!registry.get(roomId)) return undefined;
      if (sessions.remove(playerId, CloseCode.Kicked, `removed by a moderator: ${reason}`, roomId) === undefined)
        throw notInRoom(roomId, playerId);
      return { roomId, playerId };
    },
    mute(roomId, playerId, minutes) {
      const runner = registry.get(roomId);
      if (!runner) return undefined;
      if (!seated(runner, playerId)) throw notInRoom(roomId, playerId);
      const untilMs = minutes > 0 ? now() + minutes * MINUTE_MS : 0;
      // Through the room's inputs: the mute is applied at a tick, journaled, and replayed alike.
      runner.submit({ kind: 'mute', playerId, seq: 0, untilMs });
      const until = untilMs > 0 ? new Date(untilMs).toISOString() : '';
      sessions.tell(playerId, roomId, 'warn', untilMs > 0 ? `A moderator muted you until ${until}.` : 'Your mute was lifted.');
      return { roomId, playerId, until };
    },
    message(roomId, playerId, level, text) {
      if (!registry.get(roomId)) return undefined;
      if (!sessions.tell(playerId, roomId, level, text)) throw notInRoom(roomId, playerId);
      return { roomId, playerId };
    },
    ban(playerId, minutes, reason, at) {
      const untilMs = minutes <= 0 ? 0 : (at ?? now() + minutes * MINUTE_MS);
      registry.ban(playerId, untilMs);
      const removedFrom: string[] = [];
      if (untilMs > 0) {
        const until = new Date(untilMs).toISOString();
        const room = sessions.remove(playerId, CloseCode.Banned, `banned from rooms until ${until}: ${reason}`);
        if (room !== undefined) removedFrom.push(room);
      }
      return { playerId, until: untilMs > 0 ? new Date(untilMs).toISOString() : null, removedFrom };
    },
    bans: () => registry.bans(),
    adoptBans(bans) {
      for (const [playerId, untilMs] of bans) if ((registry.bannedUntil(playerId) ?? 0) < untilMs) registry.ban(playerId, untilMs);
    },
    async handOff(roomId, message) {
      if (!registry.get(roomId)) return undefined;
      if (!options.handOff)
        throw new GameSnapshotError('GAME_HANDOFF_UNAVAILABLE', `room ${roomId} cannot be handed off from this process`, {
          details: { roomId },
        });
      return options.handOff(roomId, message);
    },
    async replay(request) {
      // A room still here publishes its last ticks first: the replay reaches as close to now as the log does.
      registry.get(request.roomId)?.journal.flush();
      return replayRoom({
        log: options.logFor(request.roomId),
        games: options.games(),
        roomId: request.roomId,
        playerId: request.playerId,
        ...(request.fromTick === undefined ? {} : { fromTick: request.fromTick }),
        ...(request.toTick === undefined ? {} : { toTick: request.toTick }),
      });
    },
  };
}
