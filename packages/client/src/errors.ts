/** @module The SDK's one error type: a server's `{ error: { code, message, details } }` or a client-side failure. */

/**
 * Codes the SDK raises itself (status 0: no HTTP answer was involved, or it was unusable). Server
 * codes (`AUTH_*`, `IDENTITY_*`, `RT_*`, `HTTP_*`) pass through unchanged.
 */
export const ClientErrorCodes = {
  CLIENT_NETWORK_ERROR: {
    meaning: 'The request did not reach the server or the connection broke before an answer.',
    resolve: 'Retry later; check the base URL and that the server is up.',
  },
  CLIENT_BAD_RESPONSE: {
    meaning: 'The server answered with something that is not the expected JSON.',
    resolve: 'Check that the base URL points at a Tickline server (and not a proxy error page).',
  },
  CLIENT_NOT_SIGNED_IN: {
    meaning: 'An authenticated call was made with no session and no API key.',
    resolve: 'Sign in first, or create the client with an API key.',
  },
  CLIENT_SIGNED_OUT: {
    meaning: 'The session ended (sign-out, or a refresh the server refused) while the call was pending.',
    resolve: 'Sign in again.',
  },
  CLIENT_INVALID_OPTIONS: {
    meaning: 'The client or a subscription was given options that cannot work together.',
    resolve: 'Read `details.field`; fix the option.',
  },
  CLIENT_TRANSPORT_UNAVAILABLE: {
    meaning: 'No EventSource or WebSocket implementation is available in this environment.',
    resolve:
      'Pass `eventSource` / `webSocket` constructors in the client options (e.g. the `eventsource` package on Node).',
  },
  CLIENT_STREAM_REFUSED: {
    meaning: 'The stream endpoint refused the connection (HTTP status or WebSocket close code in details).',
    resolve: 'Check the channels requested and that the account may read them.',
  },
} as const;
export type ClientErrorCode = keyof typeof ClientErrorCodes;

/** Options of {@link TicklineApiError}. */
export interface TicklineApiErrorOptions {
  /** HTTP status; 0 when there was no usable HTTP answer. @default 0 */
  status?: number;
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** Any failure the SDK reports: branch on `code` (stable), show `message`. */
export class TicklineApiError extends Error {
  override readonly name = 'TicklineApiError';
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: TicklineApiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? 0;
    this.details = options.details;
  }
}

/** True for a {@link TicklineApiError}, optionally with `code`. Matches by shape across bundles. */
export function isTicklineApiError(error: unknown, code?: string): error is TicklineApiError {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown; status?: unknown };
  if (candidate.name !== 'TicklineApiError' || typeof candidate.code !== 'string') return false;
  return code === undefined || candidate.code === code;
}

/** True when the server refused the credentials (HTTP 401). */
export function isUnauthenticatedError(error: unknown): error is TicklineApiError {
  return isTicklineApiError(error) && error.status === 401;
}

/** True when no answer came back (network, DNS, connection reset): worth retrying. */
export function isNetworkError(error: unknown): error is TicklineApiError {
  return isTicklineApiError(error, 'CLIENT_NETWORK_ERROR');
}

/** True when retrying the same call later may succeed: network failures, 408, 429 and 5xx. */
export function isRetryableError(error: unknown): boolean {
  if (!isTicklineApiError(error)) return false;
  if (error.status === 0) return error.code === 'CLIENT_NETWORK_ERROR';
  return error.status === 408 || error.status === 429 || error.status >= 500;
}
