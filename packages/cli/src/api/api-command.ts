/**
 * @module What every command over a running server's API shares: the `--url`, `--token` and
 * `--json` options, the action wrapper that turns a thrown error into its message and exit code,
 * and printing a result as JSON or as text.
 */
import type { Command } from 'commander';
import { runCommand } from '../command-errors.ts';
import type { ExitCode } from '../exit-code.ts';
import type { CliIo } from '../io.ts';
import type { ApiOptions } from './api-client.ts';

/** The options every API command takes. */
export interface ApiCommandOptions extends ApiOptions {
  json?: boolean;
}

/** Adds `--url`, `--token` and `--json` to `command`. */
export function apiOptions(command: Command): Command {
  return command
    .option(
      '--url <url>',
      'the server (default TICKLINE_URL, else the one you logged in to, else http://127.0.0.1:8080)',
    )
    .option(
      '--token <credential>',
      'an access token or API key (default TICKLINE_TOKEN, else the stored login)',
    )
    .option('--json', 'print the answer as JSON');
}

/** An action running `body` with the command's options; its exit code goes to `setExitCode`. */
export function apiAction<O extends ApiCommandOptions, A extends unknown[]>(
  io: CliIo,
  setExitCode: (code: ExitCode) => void,
  body: (options: O, ...args: A) => Promise<ExitCode | void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    // Commander passes the positional arguments, then the options, then the command.
    const positional = args.slice(0, -2) as A;
    const options = args.at(-2) as O;
    setExitCode(await runCommand(io, () => body(options, ...positional)));
  };
}

/** Prints `value` as one line of JSON with `--json`, else `text()`. */
export function print(io: CliIo, options: { json?: boolean }, value: unknown, text: () => string): void {
  io.out(options.json ? `${JSON.stringify(value)}\n` : text());
}

/** A number for a table: up to 8 significant digits, no exponent for everyday sizes. */
export const num = (n: number | undefined): string =>
  n === undefined || !Number.isFinite(n) ? '—' : String(+n.toPrecision(8));

/** Epoch ms as an ISO time to the second. */
export const iso = (ms: number | undefined): string =>
  ms === undefined ? '—' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
