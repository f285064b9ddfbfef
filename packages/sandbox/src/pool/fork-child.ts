/**
 * @module Starting a sandbox child: `fork` with structured-clone IPC, no stdin or stdout, and the
 * last few KiB of stderr kept so a crash can be explained in the log.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Node flags of sandbox children unless the caller gives its own (isolated-vm needs no snapshot). */
export const DEFAULT_EXEC_ARGV: readonly string[] = ['--no-node-snapshot'];

export interface ForkedChild {
  child: ChildProcess;
  /** The tail of what the child wrote to stderr. */
  stderr(): string;
}

export function forkSandboxChild(entry: URL, execArgv: readonly string[] = DEFAULT_EXEC_ARGV): ForkedChild {
  const child = fork(fileURLToPath(entry), [], {
    execArgv: [...execArgv],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-4_096)));
  return { child, stderr: () => tail };
}
