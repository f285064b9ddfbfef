/**
 * @module What the config says about a zone, as the zone and the browser need it: the zone's rules
 * from `game.*`, and the WebSocket origins of zones (the CSP's `connect-src` lists them when zones
 * run on other processes).
 */
import { systemClock } from '@tickline/kernel';
import type { ZoneEntry } from '../coordinator/zone-coordinator.ts';
import type { GameSettings } from '../config.ts';
import { ObstacleMap } from '../zone/obstacle-map.ts';
import type { ZoneOptions } from '../zone/zone-config.ts';

/** The WebSocket origins (`ws://host:port`) of `zones`. */
export function zoneOrigins(zones: readonly ZoneEntry[]): string[] {
  const origins = new Set<string>();
  for (const zone of zones) {
    if (zone.ws === null) continue;
    try {
      const url = new URL(zone.ws);
      origins.add(`${url.protocol}//${url.host}`);
    } catch {
      // An address the directory should never hold: no origin.
    }
  }
  return [...origins];
}

/** The zone rules the config describes. */
export function zoneOptionsFrom(game: GameSettings, zoneId: string): ZoneOptions {
  const { map } = game;
  return {
    zoneId,
    clock: systemClock,
    map: map.rows
      ? { cellSize: map.cellSize, rows: [...map.rows] }
      : ObstacleMap.open(map.width, map.height, map.cellSize),
    tickRateHz: game.tickRateHz,
    broadcastEveryTicks: game.broadcastEveryTicks,
    maxSpeedPerTick: game.maxSpeedPerTick,
    viewRadius: game.viewRadius,
    rateWindowTicks: game.rateWindowTicks,
    maxCommandsPerWindow: game.maxCommandsPerWindow,
    maxPlayers: game.maxPlayersPerZone,
  };
}
