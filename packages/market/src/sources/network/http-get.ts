/** @module The REST GET used for backfill: JSON, a timeout, and errors that say what failed. */
import type { HttpGetJson } from './dialect.ts';

export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;

/** A {@link HttpGetJson} over `fetch` with a per-request timeout, aborted early by `stop`. */
export function createHttpGetJson(
  fetchImpl: typeof fetch = fetch,
  timeoutMs: number = DEFAULT_HTTP_TIMEOUT_MS,
  stop?: AbortSignal,
): HttpGetJson {
  return async function httpGetJson(url: string): Promise<unknown> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const response = await fetchImpl(url, {
      signal: stop ? AbortSignal.any([timeout, stop]) : timeout,
      headers: { accept: 'application/json' },
    });
    if (!response.ok) {
      const retryAfter = response.headers.get('retry-after');
      throw new Error(
        `GET ${url} answered ${response.status}${retryAfter ? ` (retry after ${retryAfter} s)` : ''}`,
      );
    }
    return response.json();
  };
}
