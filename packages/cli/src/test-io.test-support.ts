/** @module A CliIo that records what a command writes, for tests. */
import type { CliIo } from './io.ts';
import { runCli, type CliOutcome, type RegisterCommand } from './program.ts';

/** The result of one recorded run. */
export interface RecordedRun {
  outcome: CliOutcome;
  stdout: string;
  stderr: string;
}

/** Runs `tickline ...args` in-process with `env` and records its output: this package's commands, or `commands`. */
export async function runRecorded(
  args: readonly string[],
  env: Record<string, string> = {},
  interrupted?: AbortSignal,
  commands?: readonly RegisterCommand[],
  /** What the composer adds to the IO it runs with (the config's port). */
  wrap: (io: CliIo) => CliIo = (io) => io,
): Promise<RecordedRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    env,
    ...(interrupted ? { interrupted } : {}),
  };
  const outcome = await runCli(['node', 'tickline', ...args], wrap(io), commands);
  return { outcome, stdout, stderr };
}
