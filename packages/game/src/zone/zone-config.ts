/** @module A zone's rules: tick rate, speeds, limits and view radius, with their defaults in one place. */
import type { Clock } from '@tickline/kernel';
import { ObstacleMap, type ObstacleMapConfig } from './obstacle-map.ts';
import {
  MAX_COMMANDS_PER_WINDOW,
  MAX_SPEED_PER_TICK,
  RATE_WINDOW_TICKS,
  TICK_RATE_HZ,
  VIEW_RADIUS,
  WORLD_SIZE,
} from '../config.ts';

/** Options for a {@link Zone}. Distances are world units; durations are ticks. */
export interface ZoneOptions {
  zoneId: string;
  /** Time for event timestamps only; the simulation itself counts ticks. */
  clock: Clock;
  /** The static obstacles (and so the world size). @default an open 1000 × 1000 map */
  map?: ObstacleMapConfig | ObstacleMap;
  /** Simulation ticks per second. @default 20 */
  tickRateHz?: number;
  /** Broadcast interest deltas every N simulation ticks. @default 1 */
  broadcastEveryTicks?: number;
  /** Maximum distance a player may move per tick. @default 0.5 (10 units/s at 20 Hz) */
  maxSpeedPerTick?: number;
  /** Ticks of movement one move may claim (a client that paused cannot bank speed). @default 10 */
  maxMoveTicks?: number;
  /** A move longer than this is a teleport attempt. @default 2 × maxSpeedPerTick × maxMoveTicks */
  teleportDistance?: number;
  /** The rate-limit window, in client ticks. @default 20 (one second at 20 Hz) */
  rateWindowTicks?: number;
  /** Commands a client may send per rate window. @default 15 */
  maxCommandsPerWindow?: number;
  /** How far a command's tick may lead the zone's tick (client clock drift). @default 10 */
  maxLeadTicks?: number;
  /** Older command ticks are counted as this many ticks ago (no banking old windows). @default 100 */
  maxLagTicks?: number;
  /** Players at most. @default 2000 */
  maxPlayers?: number;
  /** Interest radius: a client sees players within this distance. @default 50 */
  viewRadius?: number;
  /** Where a join without coordinates lands. @default the centre of the map */
  spawn?: { x: number; y: number };
  /**
   * World units per step of a position on the wire (tick frames carry positions as uint16 steps
   * within the zone's bounds). Coarsened to extent / 65535 when the map is too large for it.
   * @default 1/64 (0.015625: 1,000 units in 64,000 steps)
   */
  positionStep?: number;
  /**
   * Ticks a departed player's handle (its slot) stays unused before another player may take it,
   * so a client still holding a frame that names the old player cannot mistake the new one.
   * Must exceed `broadcastEveryTicks` (every viewer is told of the departure at the next
   * broadcast). A zone whose every free slot is younger reuses the oldest.
   * @default 40 (2 s at 20 Hz)
   */
  handleGraceTicks?: number;
  /** Emit `game.player.moved` for each accepted move. @default true */
  emitMoveEvents?: boolean;
  /** The event source's last seq (after a restore). @default 0 */
  lastEventSeq?: number;
}

export type ResolvedZoneOptions = Required<Omit<ZoneOptions, 'map' | 'lastEventSeq'>> & {
  map: ObstacleMap;
  lastEventSeq: number;
};

/** See {@link ZoneOptions.positionStep}. */
export const DEFAULT_POSITION_STEP = 1 / 64;
/** See {@link ZoneOptions.handleGraceTicks}. */
export const DEFAULT_HANDLE_GRACE_TICKS = 40;
/** Handles are uint16 on the wire. */
const MAX_ZONE_PLAYERS = 0x1_0000;

/** Fills in defaults and checks ranges. */
export function resolveZoneOptions(options: ZoneOptions): ResolvedZoneOptions {
  const map =
    options.map instanceof ObstacleMap
      ? options.map
      : options.map
        ? new ObstacleMap(options.map)
        : ObstacleMap.open(WORLD_SIZE, WORLD_SIZE, 10);
  const maxSpeedPerTick = options.maxSpeedPerTick ?? MAX_SPEED_PER_TICK;
  const maxMoveTicks = options.maxMoveTicks ?? 10;
  const resolved: ResolvedZoneOptions = {
    zoneId: options.zoneId,
    clock: options.clock,
    map,
    tickRateHz: options.tickRateHz ?? TICK_RATE_HZ,
    broadcastEveryTicks: options.broadcastEveryTicks ?? 1,
    maxSpeedPerTick,
    maxMoveTicks,
    teleportDistance: options.teleportDistance ?? 2 * maxSpeedPerTick * maxMoveTicks,
    rateWindowTicks: options.rateWindowTicks ?? RATE_WINDOW_TICKS,
    maxCommandsPerWindow: options.maxCommandsPerWindow ?? MAX_COMMANDS_PER_WINDOW,
    maxLeadTicks: options.maxLeadTicks ?? 10,
    maxLagTicks: options.maxLagTicks ?? 100,
    maxPlayers: options.maxPlayers ?? 2000,
    viewRadius: options.viewRadius ?? VIEW_RADIUS,
    spawn: options.spawn ?? { x: map.width / 2, y: map.height / 2 },
    positionStep: options.positionStep ?? DEFAULT_POSITION_STEP,
    handleGraceTicks: options.handleGraceTicks ?? DEFAULT_HANDLE_GRACE_TICKS,
    emitMoveEvents: options.emitMoveEvents ?? true,
    lastEventSeq: options.lastEventSeq ?? 0,
  };
  for (const key of [
    'tickRateHz',
    'broadcastEveryTicks',
    'maxSpeedPerTick',
    'maxMoveTicks',
    'rateWindowTicks',
    'maxCommandsPerWindow',
    'maxPlayers',
    'viewRadius',
    'positionStep',
  ] as const) {
    if (!(resolved[key] > 0)) throw new RangeError(`zone option ${key} must be positive`);
  }
  if (resolved.maxPlayers > MAX_ZONE_PLAYERS)
    throw new RangeError(`zone option maxPlayers must be at most ${MAX_ZONE_PLAYERS}`);
  if (!(resolved.handleGraceTicks > resolved.broadcastEveryTicks))
    throw new RangeError('zone option handleGraceTicks must exceed broadcastEveryTicks');
  return resolved;
}
