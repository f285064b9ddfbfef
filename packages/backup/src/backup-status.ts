/**
 * @module What backup.dir holds: the archives (newest first) and the last scheduled run, kept in
 * `last-backup.json` beside them so `tickline backup list` reads it without the server, and the
 * server's admin API after a restart.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_BACKUP_SUBDIR, type BackupSettings } from './config.ts';

const ARCHIVE_NAME = /^tickline-backup-(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)-(\d{3})Z\.tar\.gz$/;
export const LAST_RUN_FILE = 'last-backup.json';

/** One archive in backup.dir. */
export interface BackupEntry {
  name: string;
  /** When it was taken (from its name). */
  createdAt: string;
  bytes: number;
}

/** One scheduled run. */
export interface BackupRun {
  startedAt: string;
  durationMs: number;
  ok: boolean;
  /** The archive written, when ok. */
  archive?: string;
  bytes?: number;
  /** Archives deleted past backup.keep. */
  pruned: string[];
  /** Why it failed, when not ok. */
  error?: { code: string; message: string };
}

/** The absolute backup directory of a config. */
export function backupDir(settings: BackupSettings, dataDir: string): string {
  return resolve(settings.dir ?? join(dataDir, DEFAULT_BACKUP_SUBDIR));
}

/** The archives in `dir`, newest first (names sort by time). */
export async function listBackups(dir: string): Promise<BackupEntry[]> {
  if (!existsSync(dir)) return [];
  const entries: BackupEntry[] = [];
  for (const name of await readdir(dir)) {
    const match = ARCHIVE_NAME.exec(name);
    if (!match) continue;
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (!info) continue;
    const [, day, h, m, s, ms] = match;
    entries.push({ name, createdAt: `${day}T${h}:${m}:${s}.${ms}Z`, bytes: info.size });
  }
  return entries.sort((a, b) => (a.name < b.name ? 1 : -1));
}

/** Deletes the archives in `dir` beyond the newest `keep`; resolves with the names deleted. */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const old = (await listBackups(dir)).slice(keep).map((entry) => entry.name);
  for (const name of old) await rm(join(dir, name), { force: true });
  return old;
}

/** The last run recorded in `dir`, or null. */
export async function readLastRun(dir: string): Promise<BackupRun | null> {
  const text = await readFile(join(dir, LAST_RUN_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return null;
  try {
    return JSON.parse(text) as BackupRun;
  } catch {
    return null;
  }
}

/** Records `run` as the last one (written whole, then renamed into place). */
export async function writeLastRun(dir: string, run: BackupRun): Promise<void> {
  const target = join(dir, LAST_RUN_FILE);
  await writeFile(`${target}.tmp`, `${JSON.stringify(run, null, 2)}\n`, { mode: 0o600 });
  await rename(`${target}.tmp`, target);
}
