/**
 * @module Errors of snapshot stores, recovery and zone administration: stable `GAME_*` codes.
 * Admin operations also use the session table's `GAME_ZONE_UNKNOWN` and `GAME_ZONE_DRAINING`.
 */
import { defineErrorCodes, errorGuard, TicklineError, type TicklineErrorOptions } from '@tickline/kernel';
import type { GameSessionErrorCode } from '@tickline/protocol';

export const GameSnapshotErrorCodes = defineErrorCodes({
  GAME_SNAPSHOT_STORE_UNAVAILABLE: {
    meaning: 'A snapshot store (Redis or SQL) did not answer in time or refused the operation.',
    resolve:
      'Transient: gameplay continues, the write is counted as failed and the next interval tries again. Check the store server.',
    httpStatus: 503,
  },
  GAME_SNAPSHOT_CORRUPT: {
    meaning: 'Stored snapshot bytes are not a zone snapshot of a format this version reads.',
    resolve:
      'Recovery falls back to the next source (cold snapshot, then the event log); delete the bad snapshot.',
    httpStatus: 500,
  },
  GAME_SNAPSHOT_NOT_FOUND: {
    meaning: 'No snapshot has the requested id (for this zone), or it expired from the hot store.',
    resolve: 'List the zone’s snapshots and pick one that exists.',
    httpStatus: 404,
  },
  GAME_HANDOFF_UNAVAILABLE: {
    meaning:
      'A zone or a rules room cannot be handed off: hand-off needs the shared directory (redis.url), failover on (game.failoverAfterMs > 0), the room taken in the directory, and a final snapshot a peer can read. The embedded default (no Redis) has no peer to hand off to.',
    resolve:
      'Configure Redis and failover for the game processes, check the snapshot stores, or drain and restart the zone instead.',
    httpStatus: 503,
  },
});

export type GameSnapshotErrorCode =
  | keyof typeof GameSnapshotErrorCodes
  | Extract<GameSessionErrorCode, 'GAME_ZONE_UNKNOWN' | 'GAME_ZONE_DRAINING'>;

/** A snapshot, recovery or admin failure. */
export class GameSnapshotError extends TicklineError {
  override name = 'GameSnapshotError';
  constructor(code: GameSnapshotErrorCode, message: string, options?: TicklineErrorOptions) {
    super(code, message, options);
  }
}

/** Bytes that do not decode as a zone snapshot. */
export class SnapshotCorruptError extends GameSnapshotError {
  override name = 'SnapshotCorruptError';
  constructor(message: string, options?: TicklineErrorOptions) {
    super('GAME_SNAPSHOT_CORRUPT', message, options);
  }
}

/** A store that did not answer: wraps the driver's error as `cause`. */
export class SnapshotStoreUnavailableError extends GameSnapshotError {
  override name = 'SnapshotStoreUnavailableError';
  constructor(store: string, cause: unknown) {
    super('GAME_SNAPSHOT_STORE_UNAVAILABLE', `snapshot store ${store} is unavailable`, {
      cause,
      details: { store },
    });
  }
}

export const isSnapshotStoreUnavailableError = errorGuard('GAME_SNAPSHOT_STORE_UNAVAILABLE');
export const isSnapshotCorruptError = errorGuard('GAME_SNAPSHOT_CORRUPT');
export const isSnapshotNotFoundError = errorGuard('GAME_SNAPSHOT_NOT_FOUND');
export const isZoneUnknownError = errorGuard('GAME_ZONE_UNKNOWN');
export const isZoneDrainingError = errorGuard('GAME_ZONE_DRAINING');
