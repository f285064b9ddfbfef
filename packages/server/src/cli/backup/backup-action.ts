/** @module What `tickline backup` does: the database, the embedded logs and local files into one archive. */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { componentsOf, defaultArchiveName, manifestOf, sqlFactsOf, type SqlFacts } from '@tickline/backup';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { loadTicklineConfig, type ResolvedConfig } from '../../config/load.ts';
import { databaseLocation, openDatabase } from '../../wiring/database.ts';
import {
  badArgument,
  hashTree,
  writeArchive,
  MANIFEST_FILE,
  POSTGRES_DUMP_FILE,
  dumpPostgres,
  createProgress,
  formatBytes,
  type CliIo,
  type ManifestFile,
  type BackupCommandOptions,
} from '@tickline/cli';
import { asInUse, holdDataDir } from './data-dir.ts';

/** Applied migrations (and the server version on PostgreSQL), read before the locks are taken. */
async function sqlFacts(config: ResolvedConfig): Promise<SqlFacts> {
  const sql = await openDatabase(config, {
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
  }).catch((error: unknown) => Promise.reject(asInUse(resolve(config.dataDir), error)));
  try {
    return await sqlFactsOf(sql);
  } finally {
    await sql.close();
  }
}

/** Writes the archive; prints its path on stdout and each step on stderr. */
export async function runBackup(io: CliIo, options: BackupCommandOptions): Promise<void> {
  const config = loadTicklineConfig({ env: io.env, ...(options.config ? { file: options.config } : {}) });
  const progress = createProgress(io, 'backup');
  const dataDir = resolve(config.dataDir);
  const location = databaseLocation(config);
  const createdAt = new Date();
  const archive = resolve(options.output ?? defaultArchiveName(createdAt));
  if (existsSync(archive)) throw badArgument(`${archive} exists; name a new file with --output`);
  progress(`database ${location.text}, data dir ${dataDir}`);

  const facts = await sqlFacts(config);
  const hold = await holdDataDir(config, { create: false });
  const staging = await mkdtemp(join(tmpdir(), 'tickline-backup-'));
  try {
    const files: ManifestFile[] = [];
    const stagedEntries = [MANIFEST_FILE];
    let pgDump: string | undefined;
    if (location.engine === 'postgres') {
      pgDump = await dumpPostgres(config.database.url!, join(staging, POSTGRES_DUMP_FILE), io.env);
      stagedEntries.push(POSTGRES_DUMP_FILE);
      const dumped = await hashTree(staging, '.');
      files.push(...dumped);
      progress(
        `sql: pg_dump (custom format) ${formatBytes(dumped[0]?.bytes ?? 0)}, ${facts.migrations.length} migrations applied`,
      );
    }
    const components = componentsOf(config).filter((component) => existsSync(join(dataDir, component)));
    for (const component of components) {
      const tree = await hashTree(dataDir, component);
      files.push(...tree);
      const bytes = tree.reduce((sum, f) => sum + f.bytes, 0);
      progress(`${component}: ${tree.length} files, ${formatBytes(bytes)}`);
    }
    const manifest = manifestOf({ createdAt, facts, pgDump, components, files });
    await writeFile(join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    progress(`writing ${archive}`);
    await writeArchive(
      archive,
      [
        { dir: staging, entries: stagedEntries },
        { dir: dataDir, entries: components },
      ],
      io.env,
    );
    // It holds the generated secrets: readable by its owner only.
    await chmod(archive, 0o600);
    progress(`done: ${files.length} files, archive ${formatBytes((await stat(archive)).size)}`);
    io.out(`${archive}\n`);
  } catch (error) {
    await rm(archive, { force: true });
    throw error;
  } finally {
    await hold.release();
    await rm(staging, { recursive: true, force: true });
  }
}
