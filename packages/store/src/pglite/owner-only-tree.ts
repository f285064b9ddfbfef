/**
 * @module PGlite writes the files of a new database from its packaged template with the template's
 * modes (0666: readable and writable by anyone who can reach them), whatever the process umask —
 * only files PostgreSQL creates later get its 0600. The data directory itself is 0700, but a copy
 * or a restore elsewhere keeps each file's mode: every file and directory under it is narrowed to
 * the owner once the database is open.
 */
import { chmod, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Clears the group and other bits of `dir` and everything under it; returns how many changed. */
export async function narrowToOwner(dir: string): Promise<number> {
  let changed = 0;
  const pending = [dir];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    try {
      const found = await stat(next);
      if ((found.mode & 0o077) !== 0) {
        await chmod(next, found.mode & 0o700);
        changed++;
      }
      if (found.isDirectory())
        for (const entry of await readdir(next, { withFileTypes: true }))
          if (entry.isDirectory() || entry.isFile()) pending.push(join(next, entry.name));
    } catch (error) {
      // PostgreSQL renames its `.tmp` files into place (a checkpoint's replorigin_checkpoint.tmp):
      // one listed and gone before its turn has nothing left to narrow.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return changed;
}
