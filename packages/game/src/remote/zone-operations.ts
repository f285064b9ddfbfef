/**
 * @module What operators do to zones: their live status, a player's live state, snapshots,
 * notices, drain and restart. Local zones are adapted by `localZoneOperations`; zones of other
 * processes are reached over request/reply by `remoteZoneOperations` (zone-rpc.ts). The platform's
 * operations API calls this port and does not care which.
 */

/** A zone as the operator sees it. */
export interface ZoneStatus {
  zoneId: string;
  /** Connected players (concurrent users). */
  ccu: number;
  tick: number;
  /** Tick duration percentiles over the runtime's recent window, milliseconds. */
  tickP50Ms: number | null;
  tickP99Ms: number | null;
  /** Ticks that took longer than the tick interval, since start. */
  overruns: number;
  /** `ok`, or why not: `paused`, `draining`. */
  health: string;
}

/** A player's state in a running zone. */
export interface LivePlayerState {
  zoneId: string;
  x: number;
  y: number;
  tick: number;
}

/** A stored snapshot (without its bytes). */
export interface ZoneSnapshotInfo {
  id: string;
  zoneId: string;
  kind: string;
  tick: number;
  players: number;
  takenAt: number;
  size: number;
}

/** A notice to players. */
export interface Notice {
  level: 'info' | 'warn';
  text: string;
  /** Only this zone; every zone when absent. */
  zoneId?: string;
}

/** The port. Each method throws the runtime's coded error (`GAME_ZONE_UNKNOWN`, …) for an unknown zone. */
export interface ZoneOperations {
  zones(): Promise<ZoneStatus[]>;
  livePlayer(playerId: string): Promise<LivePlayerState | undefined>;
  listSnapshots(zoneId: string): Promise<ZoneSnapshotInfo[]>;
  takeSnapshot(zoneId: string): Promise<ZoneSnapshotInfo>;
  /** Swaps the zone's state for the snapshot's (tick and event seq keep moving forward). */
  restoreSnapshot(
    zoneId: string,
    snapshotId: string,
  ): Promise<{ snapshotId: string; tick: number; players: number }>;
  /** Returns how many zones and players got the notice. */
  broadcast(notice: Notice): Promise<{ zones: number; players: number }>;
  /** Tells the zone's players, closes their connections, snapshots the final state and stops the zone. */
  drain(zoneId: string, message: string): Promise<{ playersTold: number }>;
  /**
   * Moves the zone to another game process with its players (final snapshot, the zone let go in
   * the shared directory, players follow with their sessions): the rolling restart's step.
   */
  handOff(
    zoneId: string,
    message: string,
  ): Promise<{ playersTold: number; snapshotId: string; from: string; to: string | null }>;
  /** Starts a drained or stopped zone again from its latest snapshot. */
  restart(zoneId: string): Promise<void>;
}
