/**
 * @module One PGlite handle per data dir. PGlite has no postmaster to refuse a second opener, and
 * two instances writing one directory corrupt it (say, `tickline migrate` run beside a live
 * server). The lock is a file holding the owner's pid, created atomically with its content (a
 * hard link of a written temp file), so a reader never sees it empty. A dead owner's lock is stale
 * and taken over.
 */
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from '../errors.ts';

export const DATA_DIR_LOCK_FILE = 'tickline.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}

/**
 * Takes the lock on `dataDir` (which must exist); resolves with its release.
 * @throws StoreError STORE_LOCKED when a live process (this one included) holds it.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, DATA_DIR_LOCK_FILE);
  const temp = `${path}.${process.pid}.${Date.now()}`;
  await writeFile(temp, `${process.pid}\n`);
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(temp, path);
        return () => rm(path, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (pid > 0 && isAlive(pid)) {
        throw new StoreError('STORE_LOCKED', `the embedded database ${dataDir} is open in process ${pid}`, {
          details: { dataDir, pid, lockFile: path },
        });
      }
      await rm(path, { force: true }); // stale: its owner died
    }
    throw new StoreError('STORE_LOCKED', `could not lock the embedded database ${dataDir}`, {
      details: { dataDir, lockFile: path },
    });
  } finally {
    await rm(temp, { force: true });
  }
}
