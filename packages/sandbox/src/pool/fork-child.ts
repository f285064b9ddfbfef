/**
 * @module Starting a sandbox child: `fork` with structured-clone IPC, no stdin or stdout, and the
 * last few KiB of stderr kept so a crash can be explained in the log.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Node flags of sandbox children unless the caller gives its own (isolated-vm needs no snapshot). */
/**
 * Every sandbox child's Node flags. No concurrent Sparkplug: a backtest process of a full run
 * beside stress-ng died with SIGSEGV in V8's batch baseline compile handing a job to a worker
 * thread (`BaselineBatchCompiler::CompileBatchConcurrent` → `DefaultJobState::CallOnWorkerThread`,
 * a call through a null pointer; the core's stack, 2026-11-27) — the platform isolated-vm gives
 * its isolates has no such thread to offer. Baseline code is then compiled on the isolate's own
 * thread, inside the call's CPU budget.
 */
export const DEFAULT_EXEC_ARGV: readonly string[] = ['--no-node-snapshot', '--no-concurrent-sparkplug'];

/**
 * Scheduling niceness of sandbox children unless the caller gives its own: when the cores are busy
 * the server's own threads (HTTP, streams, the game tick) win them over user code, which is
 * bounded by CPU time, not wall time, so it loses nothing but latency.
 */
export const DEFAULT_NICE = 10;

/**
 * `TICKLINE_SANDBOX_NICE` (0–19) replaces the default where the environment sets it. The unit tests
 * set 0: they test the supervisor, not the scheduler, and beside `stress-ng` at load 16 a child
 * at 10 got ~5% of a core, so its 1.2 s start took over 20 s and every respawn missed the test's time.
 */
function defaultNice(): number {
  const value = Number(process.env.TICKLINE_SANDBOX_NICE);
  return process.env.TICKLINE_SANDBOX_NICE !== undefined &&
    Number.isInteger(value) &&
    value >= 0 &&
    value <= 19
    ? value
    : DEFAULT_NICE;
}

export interface ForkedChild {
  child: ChildProcess;
  /** The tail of what the child wrote to stderr. */
  stderr: () => string;
}

export function forkSandboxChild(
  entry: URL,
  execArgv: readonly string[] = DEFAULT_EXEC_ARGV,
  nice = defaultNice(),
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
