/**
 * @module What `tickline restore` does. Everything that can refuse runs before anything changes:
 * the manifest (format, engine, migrations), the checksums of the unpacked files, the locks (no
 * running tickline), an empty target unless --force. Then the data dir's components are replaced
 * by the archive's and, on PostgreSQL, the dump is restored in one transaction.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DATA_COMPONENTS } from '@tickline/backup';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { migrationStatus } from '@tickline/store';
import { loadAllMigrations } from '../../wiring/migrations.ts';
import { loadTicklineConfig, type ResolvedConfig } from '../../config/load.ts';
import { databaseLocation, openDatabase } from '../../wiring/database.ts';
import {
  extractArchive,
  readArchiveManifest,
  SKIPPED_FILES,
  verifyTree,
  BackupError,
  assertCompatible,
  MANIFEST_FILE,
  parseManifest,
  POSTGRES_DUMP_FILE,
  restorePostgres,
  createProgress,
  type CliIo,
  type RestoreCommandOptions,
} from '@tickline/cli';
import { holdDataDir, holdsData } from './data-dir.ts';

/** Options of `tickline restore`. */
/** Migration ids this tickline knows (an archive with others comes from a newer version). */
async function knownMigrations(): Promise<string[]> {
  return (await loadAllMigrations()).map((m) => m.id);
}

async function postgresHoldsData(config: ResolvedConfig): Promise<boolean> {
  const sql = await openDatabase(config, {
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
  });
  try {
    return (await migrationStatus(sql)).applied.length > 0;
  } finally {
    await sql.close();
  }
}

/** Empties `dir` except lock files (the database lock this restore holds stays). */
async function emptyDir(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  for (const name of await readdir(dir)) {
    if (!SKIPPED_FILES.has(name)) await rm(join(dir, name), { recursive: true, force: true });
  }
}

/** Moves every entry of `from` into `to` (same filesystem: renames). */
async function moveContents(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const name of await readdir(from)) await rename(join(from, name), join(to, name));
}

/** Restores `archive` into the configured data dir (and database); progress on stderr. */
export async function runRestore(io: CliIo, archive: string, options: RestoreCommandOptions): Promise<void> {
  const config = loadTicklineConfig({ env: io.env, ...(options.config ? { file: options.config } : {}) });
  const progress = createProgress(io, 'restore');
  const dataDir = resolve(config.dataDir);
  const location = databaseLocation(config);
  const path = resolve(archive);

  const manifest = parseManifest(await readArchiveManifest(path, io.env));
  assertCompatible(manifest, { engine: location.engine, knownMigrations: await knownMigrations() });
  progress(
    `archive of ${manifest.createdAt} by tickline ${manifest.versions.tickline}: ${manifest.sql.engine}, ${manifest.components.join(', ') || 'no local files'}`,
  );

  // Unpacked beside the data dir, so moving it into place is a rename.
  await mkdir(dirname(dataDir), { recursive: true });
  const staging = await mkdtemp(join(dirname(dataDir), '.tickline-restore-'));
  try {
    await extractArchive(path, staging, io.env);
    await rm(join(staging, MANIFEST_FILE));
    const problems = await verifyTree(staging, manifest.files, ['.']);
    if (problems.length > 0) {
      throw new BackupError(
        'SERVER_BACKUP_CHECKSUM_MISMATCH',
        `${path} is damaged: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` and ${problems.length - 3} more` : ''}`,
        {
          details: { problems },
        },
      );
    }
    progress(`verified ${manifest.files.length} files`);

    const hold = await holdDataDir(config, { create: true });
    try {
      const occupied = [];
      for (const component of DATA_COMPONENTS)
        if (await holdsData(join(dataDir, component))) occupied.push(component);
      if (location.engine === 'postgres' && (await postgresHoldsData(config))) occupied.push(location.text);
      if (occupied.length > 0 && !options.force) {
        throw new BackupError(
          'SERVER_BACKUP_TARGET_NOT_EMPTY',
          `${dataDir} already holds data (${occupied.join(', ')}); pass --force to replace it`,
          {
            details: { occupied },
          },
        );
      }
      await hold.releaseLogs();
      // Every component is replaced, also those the archive lacks: a snapshot newer than the
      // restored log would start a zone ahead of its history.
      for (const component of DATA_COMPONENTS) {
        await emptyDir(join(dataDir, component));
        if (manifest.components.includes(component)) {
          await moveContents(join(staging, component), join(dataDir, component));
          progress(`${component}: restored`);
        }
      }
      if (manifest.sql.engine === 'postgres') {
        await restorePostgres(config.database.url!, join(staging, POSTGRES_DUMP_FILE), io.env);
        progress(`sql: pg_restore into ${location.text}`);
      }
    } finally {
      await hold.release();
    }
    progress('done');
    io.out(`restored ${path} into ${dataDir}\n`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
