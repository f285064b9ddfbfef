/**
 * @module Errors of the command line itself: a malformed argument, and a running server its API
 * commands cannot reach or wait for. The codes keep their `SERVER_` names from when the CLI lived in
 * @tickline/server: they are stable, and scripts branch on them.
 */
import { defineErrorCodes, errorGuard, TicklineError, type TicklineErrorOptions } from '@tickline/kernel';

export const CliErrorCodes = defineErrorCodes({
  SERVER_API_UNREACHABLE: {
    meaning: 'A command that talks to a running server over its API (tickline research) could not reach it.',
    resolve: 'Start the server, or point --url (TICKLINE_URL) at it; the cause names the network error.',
    httpStatus: 503,
  },
  SERVER_API_TIMEOUT: {
    meaning:
      'A command following work on a running server over its API (tickline backtest) gave up waiting for it to end; the work was cancelled.',
    resolve:
      'Allow longer (`--timeout` seconds), or run a shorter range; the server log says what kept it busy.',
    httpStatus: 504,
  },
  SERVER_MFA_CODE_REQUIRED: {
    meaning:
      '`tickline login` signed in to an account with two-factor sign-in but got no code (none passed with --code, none typed); no API key was made.',
    resolve:
      'Pass --code with the current code from your authenticator app (or a recovery code), or run login on a terminal and type it when asked.',
    httpStatus: 401,
  },
  SERVER_INVALID_ARGUMENT: {
    meaning: 'A command-line argument is malformed (an offset, a time, a count).',
    resolve: 'See `tickline <command> --help` for the accepted forms.',
    httpStatus: 400,
  },
});

export type CliErrorCode = keyof typeof CliErrorCodes;

export class CliError extends TicklineError {
  override name = 'CliError';
  constructor(code: CliErrorCode, message: string, options?: TicklineErrorOptions) {
    super(code, message, options);
  }
}

/** A malformed command-line argument: `SERVER_INVALID_ARGUMENT` with `message`. */
export const badArgument = (message: string): CliError => new CliError('SERVER_INVALID_ARGUMENT', message);

export const isInvalidArgumentError = errorGuard('SERVER_INVALID_ARGUMENT');
