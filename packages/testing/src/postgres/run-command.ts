/** @module Running a short-lived command to completion, optionally as another user. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A system user to run a command as. */
export interface RunAs {
  uid: number;
  gid: number;
}

/** How long one harness command (initdb, pg_ctl start/stop) may take. */
export const COMMAND_TIMEOUT_MS = 60_000;

/** Runs `binary args`, resolves with its output, rejects with the output when it exits non-zero. */
export function runCommand(
  binary: string,
  args: readonly string[],
  options: { cwd: string; as?: RunAs | undefined; env?: NodeJS.ProcessEnv },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd: options.cwd,
      env: { ...process.env, LC_ALL: 'C', LANG: 'C', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: COMMAND_TIMEOUT_MS,
      ...(options.as ? { uid: options.as.uid, gid: options.as.gid } : {}),
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${binary} ${args.join(' ')} exited with ${code ?? signal}:\n${output.trim()}`));
    });
  });
}

/**
 * PostgreSQL refuses to run as root. When this process is root, returns the `postgres` system
 * user (Debian's package creates it; created here when missing) to run the server as.
 */
export async function serverUser(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  let entry = findUser('postgres');
  if (!entry) {
    await runCommand(
      'useradd',
      ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'],
      {
        cwd: '/',
      },
    );
    entry = findUser('postgres');
  }
  if (!entry) throw new Error('running as root, and the postgres system user could not be created');
  return entry;
}

function findUser(name: string): RunAs | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
