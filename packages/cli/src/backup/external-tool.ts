/**
 * @module Running the external programs a backup uses (tar, pg_dump, pg_restore, psql, pg_basebackup,
 * pg_archivecleanup): found on PATH or,
 * for PostgreSQL's, in the newest /usr/lib/postgresql/<major>/bin (Debian keeps them off PATH when
 * only the server package is installed). A missing program or a failed run is SERVER_BACKUP_TOOL_FAILED.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BackupError } from './backup-errors.ts';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function postgresBinDirs(): string[] {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((major) => /^\d+$/.test(major))
    .sort((a, b) => Number(b) - Number(a))
    .map((major) => join(base, major, 'bin'));
}

/** The path of `name`. @throws BackupError SERVER_BACKUP_TOOL_FAILED when it is nowhere. */
export function findTool(
  name: 'tar' | 'pg_dump' | 'pg_restore' | 'psql' | 'pg_basebackup' | 'pg_archivecleanup',
  env: Readonly<Record<string, string | undefined>>,
): string {
  // Newest PostgreSQL first for pg_*: pg_dump must be at least the server's major version.
  const dirs = [
    ...(name === 'tar' ? [] : postgresBinDirs()),
    ...(env.PATH ?? '').split(delimiter).filter(Boolean),
    '/usr/bin',
    '/bin',
  ];
  for (const dir of dirs) {
    const path = join(dir, name);
    if (executable(path)) return path;
  }
  throw new BackupError(
    'SERVER_BACKUP_TOOL_FAILED',
    `${name} not found on PATH${name === 'tar' ? '' : ' or in /usr/lib/postgresql/*/bin'} (Debian: apt-get install ${name === 'tar' ? 'tar' : 'postgresql-client'})`,
  );
}

/** Runs `path args…`; resolves with stdout. @throws BackupError SERVER_BACKUP_TOOL_FAILED on a non-zero exit. */
export function runTool(path: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, [...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (error) =>
      reject(new BackupError('SERVER_BACKUP_TOOL_FAILED', `${path} did not start`, { cause: error })),
    );
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      else
        reject(
          new BackupError(
            'SERVER_BACKUP_TOOL_FAILED',
            `${path} exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`,
          ),
        );
    });
  });
}
