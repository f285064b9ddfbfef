/**
 * @module Test support for the backup round trips: what a data dir and database hold, captured so
 * "before backup" and "after restore" compare with one `toEqual` — every table's rows (count and a
 * digest of their text), every record of both embedded logs, every snapshot file.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
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
  const main = await runTickline(['log', 'tail', '--from', 'earliest', '--no-follow'], env);
  const deadLetters = await runTickline(['log', 'tail', '--from', 'earliest', '--no-follow', '--dlq'], env);
  if (main.code !== 0 || deadLetters.code !== 0)
    throw new Error(`log tail failed: ${main.stderr}${deadLetters.stderr}`);
  return { main: main.stdout, deadLetters: deadLetters.stdout };
}

/**
 * Snapshot files under `<dataDir>/game-snapshots`: relative path → SHA-256. Callable while a
 * server still writes them: a `.tmp` file is a snapshot being written (renamed into place when
 * whole), and a file pruned between the listing and the read is skipped.
 */
export async function captureSnapshotFiles(dataDir: string): Promise<Record<string, string>> {
  const dir = join(dataDir, 'game-snapshots');
  if (!existsSync(dir)) return {};
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith('.tmp')) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (bytes) files[path.slice(dir.length + 1)] = createHash('sha256').update(bytes).digest('hex');
  }
  return files;
}
