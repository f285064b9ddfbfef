/** @module The manifest of a backup, by hand (`tickline backup`) or on schedule: what the database says and the files. */
import { migrationStatus, type Sql } from '@tickline/store';
import {
  BACKUP_FORMAT_VERSION,
  ticklineVersion,
  type BackupManifest,
  type ManifestFile,
} from '@tickline/cli';

/** What the database backed up says about itself. */
export interface SqlFacts {
  engine: 'pglite' | 'postgres';
  /** Applied migration ids. */
  migrations: string[];
  /** The server version, on PostgreSQL. */
  postgres?: string;
}

/** Applied migrations (and the server version on PostgreSQL) of the open database `sql`. */
export async function sqlFactsOf(sql: Sql): Promise<SqlFacts> {
  const status = await migrationStatus(sql);
  const facts: SqlFacts = { engine: sql.dialect, migrations: status.applied.map((m) => m.id) };
  if (sql.dialect === 'postgres') {
    const { rows } = await sql.query<{ server_version: string }>('SHOW server_version');
    facts.postgres = rows[0]?.server_version ?? 'unknown';
  }
  return facts;
}

/** The manifest.json of an archive holding `components` (and `files`, hashed). */
export function manifestOf(input: {
  createdAt: Date;
  facts: SqlFacts;
  pgDump: string | undefined;
  components: readonly string[];
  files: readonly ManifestFile[];
}): BackupManifest {
  const { facts, pgDump } = input;
  return {
    format: 'tickline-backup',
    formatVersion: BACKUP_FORMAT_VERSION,
    createdAt: input.createdAt.toISOString(),
    versions: {
      tickline: ticklineVersion(),
      node: process.version,
      ...(facts.postgres ? { postgres: facts.postgres } : {}),
      ...(pgDump ? { pgDump } : {}),
    },
    sql: { engine: facts.engine, migrations: facts.migrations },
    components: [...input.components],
    files: [...input.files],
  };
}
