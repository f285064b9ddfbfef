/**
 * @module The zones' snapshot stores as the config describes them: hot snapshots in Redis when
 * `redis.url` is set, else in files under `dataDir/game-snapshots` (they survive a killed process);
 * cold snapshots in the SQL database. Recovery reads them back in that order, then the log.
 */
import { resolve } from 'node:path';
import type { EventLog } from '@tickline/eventlog';
import { createZonePersistence, type ZonePersistence } from '../recovery/zone-persistence.ts';
import type { ZoneLogs } from '../recovery/zone-logs.ts';
import { createFileSnapshotStore } from '../snapshots/file-snapshot-store.ts';
import { createRedisSnapshotStore } from '../snapshots/redis-snapshot-store.ts';
import type { SnapshotStore } from '../snapshots/snapshot-store.ts';
import { createSqlSnapshotStore } from '../snapshots/sql-snapshot-store.ts';
import type { Logger, Registry } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import type { GameSettings } from '../config.ts';
import type { RedisSettings } from './game-coordinator.ts';

/** Options for {@link openGamePersistence}. */
export interface GamePersistenceOptions {
  settings: GameSettings;
  redis: RedisSettings;
  dataDir: string;
  metrics: Registry;
  logger: Logger;
  /** The open main log (snapshot positions and replay). */
  log: EventLog;
  /** Where zones log on a partitioned game log (wins over `log` for zone events). */
  logs?: ZoneLogs | undefined;
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
  const { redis, logger } = options;
  const hot = redis.url
    ? createRedisSnapshotStore({
        url: redis.url,
        keyPrefix: redis.keyPrefix,
        commandTimeoutMs: redis.commandTimeoutMs,
        logger,
      })
    : createFileSnapshotStore({ dir: resolve(options.dataDir, 'game-snapshots') });
  const cold = options.sql ? createSqlSnapshotStore({ sql: options.sql }) : undefined;
  const service = createZonePersistence({
    hot,
    ...(cold ? { cold } : {}),
    log: options.log,
    ...(options.logs && { logs: options.logs }),
    metrics: options.metrics,
    logger,
    hotIntervalMs: options.settings.snapshots.hotIntervalMs,
    coldIntervalMs: options.settings.snapshots.coldIntervalMs,
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
