/**
 * @module The session layer's records: a connection (socket), a session (a player in a zone) and a
 * room session (a player in a rules room). One file, because a connection holds either kind.
 */
import type { ZoneRunner } from '../loop/zone-runner.ts';
import type { FloodGuard } from './flood-guard.ts';
import type { GameConnection } from './connection.ts';
import type { RoomRunner } from '../rooms/room-runner.ts';

/** One open connection. It has a session once its hello was accepted. */
export interface Link {
  readonly connection: GameConnection;
  readonly flood: FloodGuard;
  readonly openedAt: number;
  lastReceivedAt: number;
  session: Session | undefined;
  /** Set instead of `session` when the connection plays in a rules room. */
  room?: RoomSession | undefined;
  closed: boolean;
}

/** A player in a zone, attached to a connection or waiting out its grace period. */
export interface Session {
  readonly sessionId: string;
  readonly playerId: string;
  readonly runner: ZoneRunner;
  /** The session version of the join token (revocation past it ends the session). */
  sessionVersion: number;
  link: Link | undefined;
  /** Monotonic time the connection dropped; undefined while connected. */
  droppedAt: number | undefined;
  /** The zone applied the join (a welcome went out, or will on resume). */
  joined: boolean;
  /** The player sent leave with this seq; the session ends when the zone acks it. */
  leaveSeq: number | undefined;
  /** Forgotten by the session layer: a cached reference to it is stale. */
  ended: boolean;
}

/** A player in a room (or queued for one), attached to a connection or in its grace period. */
export interface RoomSession {
  readonly sessionId: string;
  readonly playerId: string;
  /** Undefined while queued by matchmaking. */
  runner: RoomRunner | undefined;
  link: Link | undefined;
  droppedAt: number | undefined;
  /** The room applied the join. */
  joined: boolean;
  /** The player sent leave: the connection closes when the room acks it. */
  leaving: boolean;
  /** Cancels a queued matchmaking. */
  unqueue: (() => void) | undefined;
}
