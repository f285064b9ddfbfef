/**
 * @module The archive's manifest.json: what a backup holds, from which versions, and the SHA-256
 * of every file — read first on restore, so a wrong or damaged archive is refused before anything
 * on disk changes.
 */
import { z } from 'zod';
import { BackupError } from './backup-errors.ts';

/** Archive layout version; a restore refuses any other. */
export const BACKUP_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
/** The PostgreSQL dump inside the archive (pg_dump custom format). */
export const POSTGRES_DUMP_FILE = 'postgres.dump';

const FileEntry = z.object({
  path: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const BackupManifest = z.object({
  format: z.literal('tickline-backup'),
  formatVersion: z.number().int().positive(),
  createdAt: z.string(),
  versions: z.object({
    tickline: z.string(),
    node: z.string(),
    postgres: z.string().optional(),
    pgDump: z.string().optional(),
  }),
  sql: z.object({
    engine: z.enum(['pglite', 'postgres']),
    /** Migration ids applied in the database backed up. */
    migrations: z.array(z.string()),
  }),
  /** Data-dir components in the archive (db, eventlog, eventlog-dlq, game-snapshots, secrets, spill). */
  components: z.array(z.string()),
  files: z.array(FileEntry),
});
export type BackupManifest = z.infer<typeof BackupManifest>;
export type ManifestFile = z.infer<typeof FileEntry>;

/** Parses manifest.json text. @throws BackupError SERVER_BACKUP_ARCHIVE_INVALID, SERVER_BACKUP_ARCHIVE_INCOMPATIBLE */
export function parseManifest(text: string): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BackupError('SERVER_BACKUP_ARCHIVE_INVALID', 'the archive’s manifest.json is not JSON', {
      cause: error,
    });
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (
    (json as { format?: unknown } | null)?.format === 'tickline-backup' &&
    version !== BACKUP_FORMAT_VERSION
  ) {
    throw new BackupError(
      'SERVER_BACKUP_ARCHIVE_INCOMPATIBLE',
      `archive format ${String(version)}; this tickline reads format ${BACKUP_FORMAT_VERSION}`,
      { details: { formatVersion: version } },
    );
  }
  const parsed = BackupManifest.safeParse(json);
  if (!parsed.success) {
    throw new BackupError(
      'SERVER_BACKUP_ARCHIVE_INVALID',
      `the archive’s manifest is not a Tickline backup manifest: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  }
  return parsed.data;
}

/** What the restoring installation is: its database engine and the migrations it knows. */
export interface RestoreTarget {
  engine: 'pglite' | 'postgres';
  knownMigrations: readonly string[];
}

/** @throws BackupError SERVER_BACKUP_ARCHIVE_INCOMPATIBLE when `manifest` cannot go into `target`. */
export function assertCompatible(manifest: BackupManifest, target: RestoreTarget): void {
  if (manifest.sql.engine !== target.engine) {
    const configured =
      target.engine === 'postgres'
        ? 'PostgreSQL (database.url is set)'
        : 'the embedded PGlite (database.url is unset)';
    throw new BackupError(
      'SERVER_BACKUP_ARCHIVE_INCOMPATIBLE',
      `the archive holds a ${manifest.sql.engine} database but this configuration uses ${configured}`,
      { details: { archive: manifest.sql.engine, configured: target.engine } },
    );
  }
  const known = new Set(target.knownMigrations);
  const unknown = manifest.sql.migrations.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new BackupError(
      'SERVER_BACKUP_ARCHIVE_INCOMPATIBLE',
      `the archive’s database has migrations this tickline version does not know: ${unknown.join(', ')} (made by tickline ${manifest.versions.tickline})`,
      { details: { unknown } },
    );
  }
}
