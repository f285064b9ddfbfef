import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@tickline/testing';
import { expect, it } from 'vitest';
import { DATA_DIR_LOCK_FILE, lockDataDir } from './data-dir-lock.ts';

it('data dir lock - one holder at a time; released on unlock; a dead owner is taken over', async () => {
  const dir = await tempDir('tickline-lock');
  try {
    const unlock = await lockDataDir(dir.path);
    expect(await readFile(join(dir.path, DATA_DIR_LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    await expect(lockDataDir(dir.path)).rejects.toMatchObject({
      code: 'STORE_LOCKED',
      details: { pid: process.pid },
    });
    await unlock();
    const again = await lockDataDir(dir.path);
    await again();
    // A pid that is certainly dead: a child that already exited.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(join(dir.path, DATA_DIR_LOCK_FILE), `${dead}\n`);
    const takeover = await lockDataDir(dir.path);
    expect(await readFile(join(dir.path, DATA_DIR_LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    await takeover();
  } finally {
    await dir.remove();
  }
});
