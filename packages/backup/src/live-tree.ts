/**
 * @module Copying a directory a running tickline still writes: files written whole and renamed into
 * place (snapshots, consumers.json) are taken as they are, a `.tmp` (one being written) is left
 * out, a file removed between the listing and the copy (a pruned snapshot, a segment past
 * retention) is skipped. An append-only file (a log segment, the spill journal) may end in a torn
 * frame: opening the restored copy cuts it, as after a crash.
 */
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { SKIPPED_FILES } from '@tickline/cli';

function gone(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Copies the files under `from` into `to` (created); resolves with how many were copied. */
export async function copyLiveTree(from: string, to: string): Promise<number> {
  await mkdir(to, { recursive: true, mode: 0o700 });
  let copied = 0;
  const entries = await readdir(from, { recursive: true, withFileTypes: true }).catch((error: unknown) => {
    if (gone(error)) return [];
    throw error;
  });
  for (const entry of entries) {
    if (!entry.isFile() || SKIPPED_FILES.has(entry.name) || entry.name.endsWith('.tmp')) continue;
    const source = join(entry.parentPath, entry.name);
    const target = join(to, relative(from, source));
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    try {
      await copyFile(source, target);
      copied++;
    } catch (error) {
      if (!gone(error)) throw error;
    }
  }
  return copied;
}
