/**
 * @module Holding a data dir while a backup reads it or a restore replaces it (what goes into the
 * archive is @tickline/backup's `componentsOf`). A running embedded tickline holds its PGlite directory (`db/tickline.lock`)
 * and its event logs (`LOCK`); backup and restore take the same locks, so they refuse to run
 * beside it (SERVER_BACKUP_DATA_DIR_IN_USE) instead of copying files mid-write.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BackupError, SKIPPED_FILES } from '@tickline/cli';
import { isEventLogLockedError, type EventLog } from '@tickline/eventlog';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { isStoreLockedError, lockDataDir } from '@tickline/store';
import type { ResolvedConfig } from '../../config/load.ts';
import { databaseLocation } from '../../wiring/database.ts';
import { LogKind, openEventLog } from '../../wiring/event-logs.ts';

/** True when `dir` holds a file other than a lock. */
export async function holdsData(dir: string): Promise<boolean> {
  if (!existsSync(dir)) return false;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.some((entry) => entry.isFile() && !SKIPPED_FILES.has(entry.name));
}

function inUse(dataDir: string, error: unknown): BackupError {
  return new BackupError(
    'SERVER_BACKUP_DATA_DIR_IN_USE',
    `${dataDir} is in use by a running tickline; stop it first`,
    {
      cause: error,
      details: { dataDir },
    },
  );
}

/** Maps the store's and the log's lock errors to SERVER_BACKUP_DATA_DIR_IN_USE. */
export function asInUse(dataDir: string, error: unknown): unknown {
  return isStoreLockedError(error) || isEventLogLockedError(error) ? inUse(dataDir, error) : error;
}

/** The locks on a data dir, released in two steps. */
export interface DataDirHold {
  /** Closes the embedded logs (a restore replaces their files after; the database lock stays). */
  releaseLogs(): Promise<void>;
  /** Releases everything still held. */
  release(): Promise<void>;
}

/**
 * Takes the data dir's locks: the PGlite directory lock (the directory created when `create`),
 * and each existing embedded log opened as its writer.
 * @throws BackupError SERVER_BACKUP_DATA_DIR_IN_USE when a live process holds any of them.
 */
export async function holdDataDir(
  config: ResolvedConfig,
  options: { create: boolean },
): Promise<DataDirHold> {
  const dataDir = resolve(config.dataDir);
  const logs: EventLog[] = [];
  let unlockDatabase: (() => Promise<void>) | undefined;
  const releaseLogs = async () => {
    for (const log of logs.splice(0)) await log.close();
  };
  const release = async () => {
    await releaseLogs();
    await unlockDatabase?.();
    unlockDatabase = undefined;
  };
  try {
    const location = databaseLocation(config);
    if (location.engine === 'pglite' && (options.create || existsSync(location.dir))) {
      await mkdir(location.dir, { recursive: true });
      unlockDatabase = await lockDataDir(location.dir);
    }
    if (config.eventlog.engine === 'embedded') {
      for (const kind of [LogKind.Main, LogKind.DeadLetter]) {
        if (!existsSync(join(dataDir, kind === LogKind.Main ? 'eventlog' : 'eventlog-dlq'))) continue;
        logs.push(
          await openEventLog(config, kind, {
            logger: silentLogger,
            metrics: createMetricsRegistry({ processMetrics: false }),
          }),
        );
      }
    }
    return { releaseLogs, release };
  } catch (error) {
    await release();
    throw asInUse(dataDir, error);
  }
}
