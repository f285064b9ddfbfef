/**
 * @module The zones' snapshot stores as the config describes them: hot snapshots in Redis when
 * `redis.url` is set, else in files under `dataDir/game-snapshots` (they survive a killed process);
 * cold snapshots in the SQL database. Recovery reads them back in that order, then the log.
 */
import { resolve } from 'node:path';
import type { EventLog } from '@tickline/eventlog';
import {
  createFileSnapshotStore,
  createRedisSnapshotStore,
  createSqlSnapshotStore,
  createZonePersistence,
  type SnapshotStore,
  type ZonePersistence,
} from '@tickline/game';
import type { Logger, Registry } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import type { ResolvedConfig } from '../config/load.ts';

/** Options for {@link openGamePersistence}. */
export interface GamePersistenceOptions {
  config: ResolvedConfig;
  metrics: Registry;
  logger: Logger;
  /** The open main log (snapshot positions and replay). */
  log: EventLog;
  /** The open database, for cold snapshots. */
  sql: Sql | undefined;
  /** Stops a drained zone (its runner and sessions). */
  stopZone: (zoneId: string) => void;
}

/** The persistence service and the stores it was built on (closed by {@link closeGamePersistence}). */
export interface GamePersistence {
  service: ZonePersistence;
  stores: SnapshotStore[];
}

export function openGamePersistence(options: GamePersistenceOptions): GamePersistence {
  const { config, logger } = options;
  const hot = config.redis.url
    ? createRedisSnapshotStore({
        url: config.redis.url,
        keyPrefix: config.redis.keyPrefix,
        commandTimeoutMs: config.redis.commandTimeoutMs,
        logger,
      })
    : createFileSnapshotStore({ dir: resolve(config.dataDir, 'game-snapshots') });
  const cold = options.sql ? createSqlSnapshotStore({ sql: options.sql }) : undefined;
  const service = createZonePersistence({
    hot,
    ...(cold ? { cold } : {}),
    log: options.log,
    metrics: options.metrics,
    logger,
    hotIntervalMs: config.game.snapshots.hotIntervalMs,
    coldIntervalMs: config.game.snapshots.coldIntervalMs,
    stopZone: options.stopZone,
  });
  return { service, stores: cold ? [hot, cold] : [hot] };
}

/** Stops the scheduler (waiting briefly for writes in flight) and closes the stores. */
export async function closeGamePersistence(persistence: GamePersistence | undefined): Promise<void> {
  if (!persistence) return;
  await persistence.service.stop();
  await Promise.allSettled(persistence.stores.map((store) => store.close()));
}
