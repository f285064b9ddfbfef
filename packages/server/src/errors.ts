/**
 * @module Errors raised by the server: HTTP gateway failures and the process's own. The command
 * line's (a malformed argument, an unreachable server) are @tickline/cli's `CliErrorCodes`.
 */
import { defineErrorCodes, errorGuard, TicklineError, type TicklineErrorOptions } from '@tickline/kernel';

export const ServerErrorCodes = defineErrorCodes({
  HTTP_NOT_FOUND: {
    meaning: 'No route matches the method and path.',
    resolve: 'Check the URL and method against docs/api.md.',
    httpStatus: 404,
  },
  HTTP_BAD_REQUEST: {
    meaning: 'The request is malformed: unparsable body, or input that fails validation.',
    resolve: 'Fix the request; the details name each failing field.',
    httpStatus: 400,
  },
  HTTP_PAYLOAD_TOO_LARGE: {
    meaning: 'The request body is larger than http.bodyLimitBytes.',
    resolve: 'Send less, or raise http.bodyLimitBytes.',
    httpStatus: 413,
  },
  HTTP_UNSUPPORTED_MEDIA_TYPE: {
    meaning: 'The request body has a content type the route does not accept.',
    resolve: 'Send application/json.',
    httpStatus: 415,
  },
  HTTP_RATE_LIMITED: {
    meaning: 'Too many requests for this API key, user (by tier) or address (anonymous).',
    resolve:
      'Wait for Retry-After seconds; the RateLimit-* headers show the budget. Upgrade the tier for more.',
    httpStatus: 429,
  },
  HTTP_HEADERS_TOO_LARGE: {
    meaning: 'The request line and headers are larger than http.maxHeaderBytes.',
    resolve: 'Send fewer or smaller headers (often oversized cookies), or raise http.maxHeaderBytes.',
    httpStatus: 431,
  },
  HTTP_REQUEST_TIMEOUT: {
    meaning: 'The client did not send the whole request in time.',
    resolve: 'Retry; check the network between the client and the server.',
    httpStatus: 408,
  },
  HTTP_TOO_MANY_CONNECTIONS: {
    meaning:
      'This client address (an IPv6 /64 counts as one) already holds http.connections.perAddress open connections; the new one is answered and closed before its request is read.',
    resolve:
      'Close idle connections (reuse keep-alive ones), or raise http.connections.perAddress (0 turns it off) for many clients behind one NAT or a load test from one host.',
    httpStatus: 429,
  },
  HTTP_CONNECTIONS_EXHAUSTED: {
    meaning:
      'The server holds every connection it may (the open-files limit less http.connections.reservedFds, kept for its own files and databases); the new one is answered and closed.',
    resolve:
      'Retry after Retry-After seconds; operators raise the open-files limit (ulimit -n, LimitNOFILE) or add gateways.',
    httpStatus: 503,
  },
  HTTP_INTERNAL: {
    meaning: 'An unexpected failure while handling the request.',
    resolve: 'A bug: the server log has the error with the request id; report it.',
    httpStatus: 500,
  },
  SERVER_LOG_IN_USE: {
    meaning: 'The embedded event log is held by a running tickline, so it cannot be changed.',
    resolve: 'Stop the running server first; read-only commands (log info, log tail) work while it runs.',
    httpStatus: 409,
  },
  SERVER_MIGRATIONS_PENDING: {
    meaning:
      'The PostgreSQL database lacks migrations this version needs, and database.migrateOnStart is off.',
    resolve: 'Run `tickline migrate up` (or set database.migrateOnStart), then start again.',
    httpStatus: 503,
  },
  SERVER_ROUTE_SCOPE_MISSING: {
    meaning:
      'A route declares no scope (config.scope: an API key scope, `authenticated` or `public`), or one no credential can carry; the server does not start with it.',
    resolve:
      'Declare the scope where the route is registered (details.routes names each); a bug in the module that added it.',
    httpStatus: 500,
  },
  SERVER_SECRET_INVALID: {
    meaning: 'A generated secret file under <dataDir>/secrets is unusable (empty or truncated).',
    resolve:
      'Delete the file named in the message to generate a new one (signs everyone out), or set auth.secret.',
    httpStatus: 500,
  },
  SERVER_START_FAILED: {
    meaning:
      'A start-up step failed (details.step names it: eventlog, publisher, sql, a module, http); what had started was stopped in reverse.',
    resolve:
      'Read the cause in the message and the log line before it; fix it (a held port, a database down) and start again.',
    httpStatus: 503,
  },
});

export type ServerErrorCode = keyof typeof ServerErrorCodes;

export class ServerError extends TicklineError {
  override name = 'ServerError';
  constructor(code: ServerErrorCode, message: string, options?: TicklineErrorOptions) {
    super(code, message, options);
  }
}

export const isLogInUseError = errorGuard('SERVER_LOG_IN_USE');
export const isMigrationsPendingError = errorGuard('SERVER_MIGRATIONS_PENDING');
export const isStartFailedError = errorGuard('SERVER_START_FAILED');
export const isRouteScopeMissingError = errorGuard('SERVER_ROUTE_SCOPE_MISSING');
