import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MarketSchema } from '../config.ts';
import { resolveArchiveSettings } from './archive-settings.ts';

const DAY = 86_400_000;

describe('market archive - settings', () => {
  it('settings - off by default, under the data directory unless a dir is named', () => {
    const defaults = resolveArchiveSettings(MarketSchema.parse({}), '/srv/tickline');
    expect(defaults).toEqual({
      enabled: false,
      afterDays: 90,
      afterMs: 90 * DAY,
      dir: '/srv/tickline/archive/market',
    });
    const named = resolveArchiveSettings(
      MarketSchema.parse({ archive: { enabled: true, dir: 'cold' } }),
      '/srv/tickline',
    );
    expect(named).toMatchObject({ enabled: true, dir: resolve('cold') });
  });

  it('settings - an archive that would come after the retention dropped the month is refused, naming both fields', () => {
    const late = MarketSchema.parse({
      archive: { enabled: true, afterDays: 40 },
      retention: { candlesMs: 30 * DAY },
    });
    expect(() => resolveArchiveSettings(late, '/d')).toThrow(
      /market\.archive\.afterDays .*market\.retention\.candlesMs/,
    );
    // Kept forever (0), or the archive off: no contradiction.
    expect(() =>
      resolveArchiveSettings(
        MarketSchema.parse({ archive: { enabled: true, afterDays: 4000 }, retention: { candlesMs: 0 } }),
        '/d',
      ),
    ).not.toThrow();
    expect(() =>
      resolveArchiveSettings(
        MarketSchema.parse({ archive: { afterDays: 40 }, retention: { candlesMs: 30 * DAY } }),
        '/d',
      ),
    ).not.toThrow();
    expect(() => MarketSchema.parse({ archive: { afterDays: 0 } })).toThrow();
  });
});
