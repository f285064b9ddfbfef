/** @module Errors of the platform's operations: stable `PLATFORM_*` codes with their HTTP status. */
import { defineErrorCodes, errorGuard, TicklineError, type TicklineErrorOptions } from '@tickline/kernel';

export const PlatformErrorCodes = defineErrorCodes({
  PLATFORM_NOT_FOUND: {
    meaning:
      'The player, dead letter, zone, snapshot or live strategy named in the request does not exist (no strategy process runs that live strategy).',
    resolve: 'Check the id; list the collection first (GET /api/v1/admin/players, /dead-letters, /zones).',
    httpStatus: 404,
  },
  PLATFORM_DEAD_LETTER_DISCARDED: {
    meaning: 'The dead letter was discarded by an operator, so it cannot be retried.',
    resolve: 'Nothing to do, or look at GET /api/v1/admin/audit for who discarded it and why.',
    httpStatus: 409,
  },
  PLATFORM_UNAVAILABLE: {
    meaning:
      'The operation needs a part this process does not run: the dead-letter log, the game zones (role game or all), or request/reply to the strategy processes.',
    resolve: 'Send the request to a process whose role runs that part (`tickline start --role all`).',
    httpStatus: 503,
  },
  PLATFORM_INVALID_ARGUMENT: {
    meaning: 'A platform setting or argument is malformed (a consumer group name, a retention).',
    resolve: 'Consumer groups are 1–64 characters of a-z, 0-9, _ and -, starting with a letter or digit.',
    httpStatus: 400,
  },
});

export type PlatformErrorCode = keyof typeof PlatformErrorCodes;

export class PlatformError extends TicklineError {
  override name = 'PlatformError';
  constructor(code: PlatformErrorCode, message: string, options?: TicklineErrorOptions) {
    super(code, message, options);
  }
}

export const isPlatformNotFoundError = errorGuard('PLATFORM_NOT_FOUND');
export const isPlatformUnavailableError = errorGuard('PLATFORM_UNAVAILABLE');
export const isDeadLetterDiscardedError = errorGuard('PLATFORM_DEAD_LETTER_DISCARDED');
