/**
 * @module Test support for the backup round trips: what a data dir and database hold, captured so
 * "before backup" and "after restore" compare with one `toEqual` — every table's rows (count and a
 * digest of their text), every record of both embedded logs, every snapshot file; and every file
 * of a data dir, for "left as it was".
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SKIPPED_FILES } from '@tickline/cli';
import type { Sql } from '@tickline/store';
import { runTickline } from '@tickline/testing';

/** Each base table of the public schema: row count and an order-independent digest of its rows. */
export async function captureTables(
  sql: Sql,
): Promise<Record<string, { rows: number; digest: string | null }>> {
  const { rows: tables } = await sql.query<{ name: string }>(
    `select table_name as name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const captured: Record<string, { rows: number; digest: string | null }> = {};
  for (const { name } of tables) {
    const { rows } = await sql.query<{ rows: string | number; digest: string | null }>(
      `select count(*) as rows, md5(string_agg(t::text, '|' order by t::text)) as digest from "${name}" t`,
    );
    captured[name] = { rows: Number(rows[0]!.rows), digest: rows[0]!.digest };
  }
  return captured;
}

/** Every record of the main and dead-letter logs as `tickline log tail` prints them. */
export async function captureLogs(
  env: Record<string, string>,
): Promise<{ main: string; deadLetters: string }> {
  // `log tail` opens the embedded logs read-only: the two processes run side by side.
  const [main, deadLetters] = await Promise.all([
    runTickline(['log', 'tail', '--from', 'earliest', '--no-follow'], env),
    runTickline(['log', 'tail', '--from', 'earliest', '--no-follow', '--dlq'], env),
  ]);
  if (main.code !== 0 || deadLetters.code !== 0)
    throw new Error(`log tail failed: ${main.stderr}${deadLetters.stderr}`);
  return { main: main.stdout, deadLetters: deadLetters.stdout };
}

/** Every file under `dir` that `skip` keeps: relative path → SHA-256; one pruned meanwhile is skipped. */
async function digestTree(dir: string, skip: (name: string) => boolean): Promise<Record<string, string>> {
  if (!existsSync(dir)) return {};
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || skip(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (bytes) files[path.slice(dir.length + 1)] = createHash('sha256').update(bytes).digest('hex');
  }
  return files;
}

/**
 * Snapshot files under `<dataDir>/game-snapshots`: relative path → SHA-256. Callable while a
 * server still writes them: a `.tmp` file is a snapshot being written (renamed into place when
 * whole), and a file pruned between the listing and the read is skipped.
 */
export function captureSnapshotFiles(dataDir: string): Promise<Record<string, string>> {
  return digestTree(join(dataDir, 'game-snapshots'), (name) => name.endsWith('.tmp'));
}

/**
 * Every file of a stopped data dir, byte for byte, but the lock files (a lock is taken and left
 * by whoever opens it, backup and restore included): what "left as it was" compares, without
 * opening the database or the logs, which would write to them.
 */
export function captureDataDirFiles(dataDir: string): Promise<Record<string, string>> {
  return digestTree(dataDir, (name) => SKIPPED_FILES.has(name));
}
