import {
  DEFAULT_COLD_SNAPSHOT_INTERVAL_MS,
  DEFAULT_GAME_WS_PATH,
  DEFAULT_HOT_SNAPSHOT_INTERVAL_MS,
  DEFAULT_JOIN_TOKEN_TTL_MS,
  DEFAULT_SESSION_MAX_MESSAGE_BYTES,
  resolveZoneOptions,
} from '@tickline/game';
import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { loadTicklineConfig } from '../config/load.ts';
import * as defaults from './game-config-schema.ts';
import { zoneOptionsFrom } from './game-component.ts';

describe('game config', () => {
  it('game config - the defaults copied from the game package still match it', () => {
    const zone = resolveZoneOptions({ zoneId: 'z', clock: new ManualClock() });
    expect(defaults.TICK_RATE_HZ).toBe(zone.tickRateHz);
    expect(defaults.MAX_SPEED_PER_TICK).toBe(zone.maxSpeedPerTick);
    expect(defaults.VIEW_RADIUS).toBe(zone.viewRadius);
    expect(defaults.RATE_WINDOW_TICKS).toBe(zone.rateWindowTicks);
    expect(defaults.MAX_COMMANDS_PER_WINDOW).toBe(zone.maxCommandsPerWindow);
    expect(defaults.WORLD_SIZE).toBe(zone.map.width);
    expect(defaults.MAX_MESSAGE_BYTES).toBe(DEFAULT_SESSION_MAX_MESSAGE_BYTES);
    expect(defaults.JOIN_TOKEN_TTL_MS).toBe(DEFAULT_JOIN_TOKEN_TTL_MS);
    expect(defaults.GAME_WS_PATH).toBe(DEFAULT_GAME_WS_PATH);
    expect(defaults.HOT_SNAPSHOT_INTERVAL_MS).toBe(DEFAULT_HOT_SNAPSHOT_INTERVAL_MS);
    expect(defaults.COLD_SNAPSHOT_INTERVAL_MS).toBe(DEFAULT_COLD_SNAPSHOT_INTERVAL_MS);
  });

  it('game config - zones, map rows and rules come from the environment and reach the zone', () => {
    const config = loadTicklineConfig({
      env: {
        TICKLINE_GAME_ZONES: 'north,south',
        TICKLINE_GAME_MAP_ROWS: '["..#", "..."]',
        TICKLINE_GAME_MAP_CELL_SIZE: '5',
        TICKLINE_GAME_TICK_RATE_HZ: '30',
      },
    });
    expect(config.game.zones).toEqual(['north', 'south']);
    const options = resolveZoneOptions(zoneOptionsFrom(config, 'north'));
    expect(options).toMatchObject({ zoneId: 'north', tickRateHz: 30, maxPlayers: 100 });
    expect(options.map.width).toBe(15);
    expect(options.map.pointBlocked(12, 1)).toBe(true);
    expect(() => loadTicklineConfig({ env: { TICKLINE_GAME_MAP_ROWS: '["..", "..."]' } })).toThrow(
      /game\.map\.rows/,
    );
  });
});
