/** @module `market.archive` resolved once at wiring: on or off, its directory, its age in ms. */
import { resolve } from 'node:path';
import type { MarketSettings } from '../config.ts';
import { archiveAfterMs } from './archive-candles.ts';

/** The archive as the job and the routes use it. */
export interface ResolvedArchiveSettings {
  enabled: boolean;
  afterDays: number;
  afterMs: number;
  /** Absolute. */
  dir: string;
}

/**
 * `market.archive` with its directory made absolute (`''` is `<dataDir>/archive/market`).
 * @throws RangeError when the archive would come after the retention dropped the month, naming both fields.
 */
export function resolveArchiveSettings(market: MarketSettings, dataDir: string): ResolvedArchiveSettings {
  const { enabled, afterDays, dir } = market.archive;
  const afterMs = archiveAfterMs(afterDays);
  const retentionMs = market.retention.candlesMs;
  if (enabled && retentionMs !== 0 && afterMs >= retentionMs) {
    throw new RangeError(
      `market.archive.afterDays (${afterDays} days) and market.retention.candlesMs (${retentionMs} ms): the archive must come before the retention drops a month`,
    );
  }
  return {
    enabled,
    afterDays,
    afterMs,
    dir: resolve(dir === '' ? resolve(dataDir, 'archive', 'market') : dir),
  };
}
