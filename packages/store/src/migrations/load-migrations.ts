/**
 * @module The migration set: numbered `.sql` files in `packages/store/migrations/` (the event
 * infrastructure) and in each domain's `migrations/` folder, one schema for PGlite and PostgreSQL;
 * versions are unique across all folders. Each is identified by its file name without `.sql` and checked by a
 * SHA-256 of its text (line endings normalized, so a checkout with CRLF is not "changed").
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { StoreError } from '../errors.ts';

/** One migration. */
export interface Migration {
  /** File name without `.sql`: `0001_event_infrastructure`. Recorded in `schema_migrations`. */
  id: string;
  /** The leading number. */
  version: number;
  /** SHA-256 (hex) of the normalized text. */
  checksum: string;
  /** The script: several statements, no parameters. */
  sql: string;
}

/** Store's own migrations folder (the event infrastructure every domain builds on). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/**
 * Builds a migration from a file name (`0002_accounts.sql`) and its text.
 * @throws StoreError STORE_INVALID_ARGUMENT when the name does not follow `NNNN_snake_name.sql`.
 */
export function migrationFromText(fileName: string, text: string): Migration {
  const match = FILE_NAME.exec(fileName);
  if (!match) {
    throw new StoreError(
      'STORE_INVALID_ARGUMENT',
      `migration file "${fileName}" is not named NNNN_snake_name.sql`,
      {
        details: { fileName },
      },
    );
  }
  const sql = text.replace(/\r\n/g, '\n');
  return {
    id: fileName.slice(0, -'.sql'.length),
    version: Number(match[1]),
    checksum: createHash('sha256').update(sql).digest('hex'),
    sql,
  };
}

/**
 * Reads every `.sql` file of `dir`, ordered by version.
 * @throws StoreError STORE_INVALID_ARGUMENT on a badly named file or two files with one version.
 */
export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.sql'));
  const migrations = await Promise.all(
    names.map(async (name) => migrationFromText(name, await readFile(`${dir}/${name}`, 'utf8'))),
  );
  migrations.sort((a, b) => a.version - b.version);
  assertUniqueVersions(migrations);
  return migrations;
}

/**
 * The migrations of several folders as one set (store's and each module's), ordered by version.
 * @throws StoreError STORE_INVALID_ARGUMENT when two folders use one version.
 * @example
 * await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, IDENTITY_MIGRATIONS_DIR]) });
 */
export async function loadMigrationSets(dirs: readonly string[]): Promise<Migration[]> {
  const migrations = (await Promise.all(dirs.map((dir) => loadMigrations(dir)))).flat();
  migrations.sort((a, b) => a.version - b.version);
  assertUniqueVersions(migrations);
  return migrations;
}

function assertUniqueVersions(migrations: readonly Migration[]): void {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new StoreError(
        'STORE_INVALID_ARGUMENT',
        `two migrations share version ${migrations[i]!.version}`,
        {
          details: { ids: [migrations[i - 1]!.id, migrations[i]!.id] },
        },
      );
    }
  }
}
