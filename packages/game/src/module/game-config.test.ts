import { loadConfig } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { gameConfig } from '../config.ts';
import { resolveZoneOptions } from '../zone/zone-config.ts';
import { zoneOptionsFrom } from './zone-options.ts';

const Schema = z.strictObject({ [gameConfig.key]: gameConfig.schema });
const load = (env: Record<string, string>) => loadConfig(Schema, { env }).game;

describe('game config', () => {
  it('game config - no setting gives the zone defaults the game code uses', () => {
    const options = resolveZoneOptions(zoneOptionsFrom(load({}), 'z'));
    expect(options).toMatchObject({ tickRateHz: 20, maxSpeedPerTick: 0.5, viewRadius: 50, maxPlayers: 100 });
    expect(options.map.width).toBe(1000);
  });

  it('game config - zones, map rows and rules come from the environment and reach the zone', () => {
    const game = load({
      TICKLINE_GAME_ZONES: 'north,south',
      TICKLINE_GAME_MAP_ROWS: '["..#", "..."]',
      TICKLINE_GAME_MAP_CELL_SIZE: '5',
      TICKLINE_GAME_TICK_RATE_HZ: '30',
    });
    expect(game.zones).toEqual(['north', 'south']);
    const options = resolveZoneOptions(zoneOptionsFrom(game, 'north'));
    expect(options).toMatchObject({ zoneId: 'north', tickRateHz: 30, maxPlayers: 100 });
    expect(options.map.width).toBe(15);
    expect(options.map.pointBlocked(12, 1)).toBe(true);
    expect(() => load({ TICKLINE_GAME_MAP_ROWS: '["..", "..."]' })).toThrow(/game\.map\.rows/);
  });
});
