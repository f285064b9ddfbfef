/**
 * @module JSON over `fetch`: one place that builds URLs, sends bodies and turns every failure into
 * a {@link TicklineApiError} (the server's `{ error: { code, message, details } }`, or a client code).
 */
import { TicklineApiError } from '../errors.ts';
import type { ErrorBody } from '@tickline/protocol';

/** The `fetch` signature the SDK needs (the global one, or a test double). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** Path below the base URL, e.g. `/api/v1/me`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface HttpClient {
  readonly baseUrl: string;
  /** Resolves the parsed JSON body (undefined for 204); rejects with TicklineApiError. */
  send<T>(request: HttpRequest): Promise<T>;
  url(path: string, query?: HttpRequest['query']): string;
}

/**
 * How a read answered 429 is tried again: after the server's `Retry-After`, at most `attempts`
 * more times, and only when the wait is at most `maxWaitMs` (a longer one is the caller's to show).
 * A page that loads a handful of lists at once must not turn a burst into an error screen.
 */
export interface RateLimitRetry {
  /** @default 2 */
  attempts: number;
  /** @default 10_000 */
  maxWaitMs: number;
}

export const DEFAULT_RATE_LIMIT_RETRY: RateLimitRetry = Object.freeze({ attempts: 2, maxWaitMs: 10_000 });

/** Only reads are repeated on their own: a write answered 429 did nothing, but its caller decides. */
const RETRIED_METHODS: ReadonlySet<HttpMethod> = new Set(['GET']);

/** The wait a 429 asks for, in ms (`Retry-After` in seconds; 1 s when absent or unreadable). */
export function retryAfterMs(response: Response): number {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function createHttpClient(options: {
  baseUrl: string;
  fetch: FetchLike;
  /** `false` turns retries off. @default DEFAULT_RATE_LIMIT_RETRY */
  rateLimitRetry?: RateLimitRetry | false;
}): HttpClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch;
  const retry =
    options.rateLimitRetry === false ? undefined : (options.rateLimitRetry ?? DEFAULT_RATE_LIMIT_RETRY);

  function url(path: string, query?: HttpRequest['query']): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) search.set(key, String(value));
    }
    const text = search.toString();
    return `${baseUrl}${path}${text ? `?${text}` : ''}`;
  }

  async function send<T>(request: HttpRequest): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    const init: RequestInit = { method: request.method, headers };
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(request.body);
    }
    if (request.signal) init.signal = request.signal;
    const target = url(request.path, request.query);
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await doFetch(target, init);
      } catch (cause) {
        if (request.signal?.aborted) throw cause;
        throw new TicklineApiError(
          'CLIENT_NETWORK_ERROR',
          `${request.method} ${request.path} failed to reach the server`,
          {
            cause,
          },
        );
      }
      if (
        response.status === 429 &&
        retry &&
        attempt < retry.attempts &&
        RETRIED_METHODS.has(request.method)
      ) {
        const wait = retryAfterMs(response);
        if (wait <= retry.maxWaitMs) {
          await response.body?.cancel();
          await sleep(wait, request.signal);
          continue;
        }
      }
      return readResponse<T>(response, request);
    }
  }

  return { baseUrl, send, url };
}

async function readResponse<T>(response: Response, request: HttpRequest): Promise<T> {
  let text: string;
  try {
    text = await response.text();
  } catch (cause) {
    throw new TicklineApiError('CLIENT_NETWORK_ERROR', 'the connection broke while reading the answer', {
      status: response.status,
      cause,
    });
  }
  let json: unknown;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      throw badResponse(response, request, 'is not JSON');
    }
  }
  if (response.ok) return json as T;
  const error = (json as Partial<ErrorBody> | undefined)?.error ?? graphqlRefusal(json);
  if (!error || typeof error.code !== 'string') throw badResponse(response, request, 'has no error body');
  throw new TicklineApiError(error.code, typeof error.message === 'string' ? error.message : error.code, {
    status: response.status,
    ...(error.details ? { details: error.details } : {}),
  });
}

/** A GraphQL refusal (`{ errors: [{ message, extensions: { code } }] }`) in the API's error shape. */
function graphqlRefusal(json: unknown): Partial<ErrorBody['error']> | undefined {
  const first = (
    json as { errors?: Array<{ message?: unknown; extensions?: Record<string, unknown> }> } | undefined
  )?.errors?.[0];
  const code = first?.extensions?.['code'];
  if (typeof code !== 'string') return undefined;
  const details = first?.extensions?.['details'];
  return {
    code,
    message: typeof first?.message === 'string' ? first.message : code,
    ...(details && typeof details === 'object' ? { details: details as Record<string, unknown> } : {}),
  };
}

function badResponse(response: Response, request: HttpRequest, problem: string): TicklineApiError {
  return new TicklineApiError(
    'CLIENT_BAD_RESPONSE',
    `${request.method} ${request.path}: the ${response.status} answer ${problem}`,
    { status: response.status },
  );
}
