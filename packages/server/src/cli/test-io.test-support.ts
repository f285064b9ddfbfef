/** @module `tickline ...args` in-process with every command of this process, its output recorded. */
import { runRecorded as runCommands, type RecordedRun } from '@tickline/cli/internal';
import { TICKLINE_COMMANDS, withConfiguredPort } from './program.ts';

export type { RecordedRun };

/** Runs `tickline ...args` in-process with `env` and records its output. */
export function runRecorded(
  args: readonly string[],
  env: Record<string, string> = {},
  interrupted?: AbortSignal,
): Promise<RecordedRun> {
  return runCommands(args, env, interrupted, TICKLINE_COMMANDS, withConfiguredPort);
}
