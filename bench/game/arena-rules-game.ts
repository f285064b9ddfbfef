/**
 * The arena as the bench plays it through the rules API: the zone row's movement rules
 * (rules.ts), a view over the whole world (as Colyseus's room sends every player to every client).
 */
import { arenaGame, type AnyGameRules } from '@tickline/game';
import { RULES } from './rules.ts';

export function benchArena(maxPlayers: number): AnyGameRules {
  return arenaGame({
    maxSpeedPerTick: RULES.maxSpeedPerTick,
    maxMoveTicks: RULES.maxMoveTicks,
    teleportDistance: RULES.teleportDistance,
    rateWindowTicks: RULES.rateWindowTicks,
    maxCommandsPerWindow: RULES.maxCommandsPerWindow,
    maxLeadTicks: RULES.maxLeadTicks,
    maxLagTicks: RULES.maxLagTicks,
    maxPlayers,
    viewRadius: RULES.worldSize * Math.SQRT2,
  });
}
