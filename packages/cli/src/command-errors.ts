/** @module How a command's failure becomes a message and an exit code, the same for every command. */
import { isConfigInvalidError, isTicklineError } from '@tickline/kernel';
import { isInvalidArgumentError } from './cli-errors.ts';
import { ExitCode } from './exit-code.ts';
import type { CliIo } from './io.ts';

/** Writes `error` for a person and returns the exit code it deserves. */
export function reportCommandError(io: CliIo, error: unknown): ExitCode {
  if (isConfigInvalidError(error)) {
    // Already one `config error: …` line per problem.
    io.err(`${error.message}\n`);
    return ExitCode.Usage;
  }
  if (isInvalidArgumentError(error)) {
    io.err(`error: ${error.message}\n`);
    return ExitCode.Usage;
  }
  if (isTicklineError(error)) {
    const cause = (error as Error).cause;
    const because =
      cause instanceof Error && !error.message.includes(cause.message) ? `: ${cause.message}` : '';
    io.err(`error: ${error.message}${because} [${error.code}]\n`);
    return ExitCode.Failure;
  }
  io.err(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.Failure;
}

/** Runs a command body, turning a thrown error into its message and exit code. */
export async function runCommand(io: CliIo, body: () => Promise<ExitCode | void>): Promise<ExitCode> {
  try {
    return (await body()) ?? ExitCode.Ok;
  } catch (error) {
    return reportCommandError(io, error);
  }
}
