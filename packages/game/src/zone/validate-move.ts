/**
 * @module Server authority over one move: shape, sequence, rate, bounds, speed, teleport and
 * walls, in that order. Pure: it reads the player table and only updates the rate counters.
 */
import type { MoveCommand } from './commands.ts';
import { RejectReason, type GameRejectReason } from './errors.ts';
import type { PlayerTable } from './player-table.ts';
import type { ResolvedZoneOptions } from './zone-config.ts';

/** True when a command object has the fields of a move with finite numbers and integer seq/tick. */
export function isWellFormedMove(cmd: MoveCommand): boolean {
  return (
    typeof cmd.playerId === 'string' &&
    Number.isSafeInteger(cmd.seq) &&
    cmd.seq > 0 &&
    Number.isSafeInteger(cmd.tick) &&
    Number.isFinite(cmd.x) &&
    Number.isFinite(cmd.y)
  );
}

/**
 * Counts a command against its client's rate window. Windows are indexed by the command's own
 * tick (clamped to at most `maxLagTicks` ago), so commands held up by a server stall still fall
 * in the windows they were sent in, while a client cannot bank old windows.
 * @returns false when the window is already full.
 */
export function countCommand(
  table: PlayerTable,
  slot: number,
  clientTick: number,
  zoneTick: number,
  o: ResolvedZoneOptions,
): boolean {
  const effective = Math.max(clientTick, zoneTick - o.maxLagTicks);
  const window = Math.floor(effective / o.rateWindowTicks);
  if (window > table.rateWindow[slot]!) {
    table.rateWindow[slot] = window;
    table.rateCount[slot] = 0;
  }
  if (table.rateCount[slot]! >= o.maxCommandsPerWindow) return false;
  table.rateCount[slot]!++;
  return true;
}

/**
 * Validates a move for the player in `slot` at zone tick `zoneTick`.
 * @returns the reject reason, or undefined when the move is legal.
 */
export function validateMove(
  table: PlayerTable,
  slot: number,
  cmd: MoveCommand,
  zoneTick: number,
  o: ResolvedZoneOptions,
): GameRejectReason | undefined {
  if (cmd.seq <= table.lastSeq[slot]!) return RejectReason.StaleSeq;
  if (cmd.tick < table.lastClientTick[slot]! || cmd.tick > zoneTick + o.maxLeadTicks)
    return RejectReason.StaleSeq;
  table.lastSeq[slot] = cmd.seq;
  table.lastClientTick[slot] = cmd.tick;
  if (!countCommand(table, slot, cmd.tick, zoneTick, o)) return RejectReason.RateLimited;
  if (!o.map.inBounds(cmd.x, cmd.y)) return RejectReason.OutOfBounds;
  const x0 = table.x[slot]!;
  const y0 = table.y[slot]!;
  const dx = cmd.x - x0;
  const dy = cmd.y - y0;
  const dist2 = dx * dx + dy * dy;
  if (dist2 > o.teleportDistance * o.teleportDistance) return RejectReason.Teleport;
  // Ticks since the last accepted move (by the client's stamps, which cannot run ahead of the
  // zone): moves stamped with the same tick share one tick's budget, so splitting cannot add speed.
  const ticks = Math.min(o.maxMoveTicks, Math.max(0, cmd.tick - table.lastMoveTick[slot]!));
  const allowed = o.maxSpeedPerTick * ticks * (1 + 1e-9);
  if (dist2 > allowed * allowed) return RejectReason.MoveTooFast;
  if (o.map.segmentBlocked(x0, y0, cmd.x, cmd.y)) return RejectReason.Blocked;
  return undefined;
}
