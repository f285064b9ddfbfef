/** @module Commands a zone accepts. Each carries the client's sequence number; moves also the client's tick. */

/** Enter the zone at a spawn point (the coordinator picks it; default: the zone's spawn). */
export interface JoinCommand {
  kind: 'join';
  playerId: string;
  seq: number;
  x?: number;
  y?: number;
}

/**
 * Move to a new position. `tick` is the zone tick the client issued it at (its estimate of the
 * server tick): speed and rate limits are counted in those ticks, so commands delayed by a
 * stalled server or network are judged by when they were sent, not when they arrived.
 */
export interface MoveCommand {
  kind: 'move';
  playerId: string;
  seq: number;
  tick: number;
  x: number;
  y: number;
}

/** Leave the zone. */
export interface LeaveCommand {
  kind: 'leave';
  playerId: string;
  seq: number;
  /** Why the player left, recorded in `game.player.left`. @default 'left' */
  reason?: string;
}

export type ZoneCommand = JoinCommand | MoveCommand | LeaveCommand;
