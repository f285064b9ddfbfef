/**
 * @module A backup taken while the server runs (the schedule's), into the same archive as
 * `tickline backup` writes, so `tickline restore` takes either. The embedded database is copied
 * online by its own worker (CHECKPOINT, then its files with no statement in between), PostgreSQL
 * is dumped with pg_dump (a consistent snapshot). Then the files, in an order that keeps the copy
 * consistent: snapshots and the spill journal before the logs (a snapshot or a spilled event
 * never newer than the log restored beside it), the database first of all (a consumer checkpoint
 * in SQL never past the end of the log copied after it; the consumers re-project the rest).
 */
import { chmod, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  dumpPostgres,
  hashTree,
  writeArchive,
  MANIFEST_FILE,
  POSTGRES_DUMP_FILE,
  type ManifestFile,
} from '@tickline/cli';
import { copyEmbeddedDatabase, type Sql } from '@tickline/store';
import { componentsOf, defaultArchiveName, type BackupSource } from './archive-contents.ts';
import { copyLiveTree } from './live-tree.ts';
import { manifestOf, sqlFactsOf } from './manifest-of.ts';

/** Files after the database, in this order (see the module comment). */
const FILE_ORDER = ['game-snapshots', 'secrets', 'spill', 'eventlog-dlq', 'eventlog'] as const;

/** Options for {@link takeOnlineBackup}. */
export interface OnlineBackupOptions {
  config: BackupSource;
  /** The running process's database. */
  sql: Sql;
  /** Directory the archive goes into (created before). */
  dir: string;
  env: Readonly<Record<string, string | undefined>>;
  /** @default new Date() */
  now?: Date;
}

/** One archive written. */
export interface OnlineBackupResult {
  archive: string;
  createdAt: string;
  bytes: number;
  files: number;
  components: string[];
}

/**
 * Writes `<dir>/tickline-backup-<time>.tar.gz` from the running process. The archive appears
 * under its name only once whole (written as `.partial`, then renamed).
 */
export async function takeOnlineBackup(options: OnlineBackupOptions): Promise<OnlineBackupResult> {
  const { config, sql, env } = options;
  const dataDir = resolve(config.dataDir);
  const createdAt = options.now ?? new Date();
  const archive = join(options.dir, defaultArchiveName(createdAt));
  const partial = `${archive}.partial`;
  const staging = await mkdtemp(join(options.dir, '.staging-'));
  try {
    const facts = await sqlFactsOf(sql);
    const files: ManifestFile[] = [];
    const components: string[] = [];
    let pgDump: string | undefined;
    if (sql.dialect === 'pglite') {
      await copyEmbeddedDatabase(sql, join(staging, 'db'));
      components.push('db');
    } else {
      pgDump = await dumpPostgres(config.database.url!, join(staging, POSTGRES_DUMP_FILE), env);
      // Hashed now, while it is the only file staged.
      files.push(...(await hashTree(staging, '.')));
    }
    const kept = new Set(componentsOf(config));
    for (const component of FILE_ORDER) {
      if (!kept.has(component)) continue;
      if ((await copyLiveTree(join(dataDir, component), join(staging, component))) > 0)
        components.push(component);
    }
    for (const component of components) files.push(...(await hashTree(staging, component)));
    const entries = [...(pgDump ? [POSTGRES_DUMP_FILE] : []), ...components];
    const manifest = manifestOf({ createdAt, facts, pgDump, components, files });
    await writeFile(join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await writeArchive(partial, [{ dir: staging, entries: [MANIFEST_FILE, ...entries] }], env);
    // It holds the generated secrets: readable by its owner only.
    await chmod(partial, 0o600);
    await rename(partial, archive);
    return {
      archive,
      createdAt: createdAt.toISOString(),
      bytes: (await stat(archive)).size,
      files: files.length,
      components,
    };
  } finally {
    await rm(partial, { force: true });
    await rm(staging, { recursive: true, force: true });
  }
}
