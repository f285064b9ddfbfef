/**
 * @module Starting a sandbox child: `fork` with structured-clone IPC, no stdin or stdout, and the
 * last few KiB of stderr kept so a crash can be explained in the log.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Node flags of sandbox children unless the caller gives its own (isolated-vm needs no snapshot). */
export const DEFAULT_EXEC_ARGV: readonly string[] = ['--no-node-snapshot'];

/**
 * Scheduling niceness of sandbox children unless the caller gives its own: when the cores are busy
 * the server's own threads (HTTP, streams, the game tick) win them over user code, which is
 * bounded by CPU time, not wall time, so it loses nothing but latency.
 */
export const DEFAULT_NICE = 10;

export interface ForkedChild {
  child: ChildProcess;
  /** The tail of what the child wrote to stderr. */
  stderr: () => string;
}

export function forkSandboxChild(
  entry: URL,
  execArgv: readonly string[] = DEFAULT_EXEC_ARGV,
  nice = DEFAULT_NICE,
): ForkedChild {
  const child = fork(fileURLToPath(entry), [], {
    execArgv: [...execArgv],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  try {
    if (child.pid !== undefined) setPriority(child.pid, nice);
  } catch {
    // Not allowed here (a container without CAP_SYS_NICE may refuse): the child runs at our priority.
  }
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-4_096)));
  return { child, stderr: () => tail };
}
