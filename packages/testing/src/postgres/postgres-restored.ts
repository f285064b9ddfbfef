/**
 * @module PostgreSQL started on a data dir the test fills (a restored base backup), and directories
 * the server itself writes (a WAL archive): owned by the server user when the tests run as root.
 */
import { execFile } from 'node:child_process';
import { chmod, chown } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tempDir, type TempDir } from '../temp-dir.ts';
import {
  prepareServerDir,
  startOnFreePort,
  type PostgresServerHandle,
  type StartPostgresOptions,
} from './postgres-server.ts';
import { serverUser } from './run-command.ts';

/**
 * Lets `fill(dataDir)` write a new data dir (it does not exist yet), hands it to the server user
 * and starts PostgreSQL on it. `cleanup` removes it.
 * @example
 * const restored = await startPostgresOn((dataDir) => restoreBaseBackup(dataDir));
 */
export async function startPostgresOn(
  fill: (dataDir: string) => Promise<void>,
  options: StartPostgresOptions = {},
): Promise<PostgresServerHandle> {
  const { work, dataDir, exec, as } = await prepareServerDir('tickline-pg-restored');
  try {
    await fill(dataDir);
    if (as) await promisify(execFile)('chown', ['-R', `${as.uid}:${as.gid}`, dataDir]);
    await chmod(dataDir, 0o700);
    return await startOnFreePort(work, dataDir, exec, options);
  } catch (error) {
    await work.remove();
    throw error;
  }
}

/** A temp dir the PostgreSQL server (its user) may write into, for its `archive_command`. */
export async function serverWritableDir(prefix: string): Promise<TempDir> {
  const dir = await tempDir(prefix);
  const as = await serverUser();
  if (as) await chown(dir.path, as.uid, as.gid);
  return dir;
}
