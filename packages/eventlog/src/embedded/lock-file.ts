/**
 * @module The writer's lock: a `LOCK` file created exclusively and holding the owner's pid. A lock
 * whose pid is no longer alive (the owner was killed) is stale and taken over. A reused pid makes
 * a stale lock look alive; the error then names the pid so an operator can remove the file.
 */
import { open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE, type Logger } from '@tickline/kernel';
import { EventLogError } from '../port/errors.ts';

export const LOCK_FILE = 'LOCK';
const TAKEOVER_ATTEMPTS = 3;
// A lock with no pid is being written right now, unless it is older than this (its writer died).
const EMPTY_LOCK_GRACE_MS = 1000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(path, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function isFresh(path: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs < EMPTY_LOCK_GRACE_MS;
  } catch {
    return false; // gone: the next attempt creates it
  }
}

/** A held lock; `release()` removes the file. */
export interface DirectoryLock {
  release(): Promise<void>;
}

/** Takes the lock on `dir` or fails with EVLOG_LOCKED. */
export async function acquireLock(dir: string, logger: Logger): Promise<DirectoryLock> {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
    try {
      const fh = await open(path, 'wx', PRIVATE_FILE_MODE);
      try {
        await fh.writeFile(`${process.pid}\n`);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      return { release: () => rm(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(path);
    if (owner === undefined ? await isFresh(path) : isAlive(owner)) {
      if (owner === undefined && attempt < TAKEOVER_ATTEMPTS - 1) {
        await new Promise((resolve) => setTimeout(resolve, EMPTY_LOCK_GRACE_MS / 2));
        continue;
      }
      throw new EventLogError(
        'EVLOG_LOCKED',
        `event log directory ${dir} is locked by pid ${owner ?? 'unknown'}`,
        {
          details: { dir, pid: owner, lockFile: path },
        },
      );
    }
    logger.warn({ dir, pid: owner }, 'removing stale event log lock left by a dead process');
    await rm(path, { force: true });
  }
  throw new EventLogError('EVLOG_LOCKED', `could not take the lock on ${dir}`, {
    details: { dir, lockFile: path },
  });
}
