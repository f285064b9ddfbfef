/** @module Exit codes of the `tickline` command, one table for every command. */
export const ExitCode = {
  Ok: 0,
  /** Crashed, failed to start, or a command failed. */
  Failure: 1,
  /** Invalid configuration or arguments: nothing was attempted. */
  Usage: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
