import { describe, expect, it } from 'vitest';
import { isTicklineApiError } from '../errors.ts';
import { createHttpClient, type FetchLike } from './http-client.ts';

/** A server that answers 429 (Retry-After: `after` s) `limited` times, then 200 with `{ ok: true }`. */
function limitedServer(limited: number, after = '0'): { fetch: FetchLike; calls: string[] } {
  const calls: string[] = [];
  const fetch: FetchLike = async (input, init) => {
    calls.push(`${init?.method} ${input}`);
    if (calls.length <= limited) {
      return new Response(
        JSON.stringify({ error: { code: 'HTTP_RATE_LIMITED', message: 'rate limit exceeded' } }),
        {
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after': after },
        },
      );
    }
    return Response.json({ ok: true });
  };
  return { fetch, calls };
}

describe('http client - rate limits', () => {
  it('rate limit - a read answered 429 waits out Retry-After and is answered by the next try', async () => {
    const server = limitedServer(2);
    const http = createHttpClient({ baseUrl: 'http://api.test', fetch: server.fetch });
    expect(await http.send({ method: 'GET', path: '/api/v1/strategies' })).toEqual({ ok: true });
    expect(server.calls).toEqual(Array(3).fill('GET http://api.test/api/v1/strategies'));
  });

  it('rate limit - after the allowed retries the 429 reaches the caller with its code', async () => {
    const server = limitedServer(5);
    const http = createHttpClient({ baseUrl: 'http://api.test', fetch: server.fetch });
    const error = await http.send({ method: 'GET', path: '/x' }).catch((e: unknown) => e);
    expect(isTicklineApiError(error) && error.code).toBe('HTTP_RATE_LIMITED');
    expect(server.calls).toHaveLength(3);
  });

  it('rate limit - writes, long waits and a client that turned retries off are not repeated', async () => {
    for (const [request, after, retry] of [
      [{ method: 'POST', path: '/x', body: {} }, '0', undefined],
      [{ method: 'GET', path: '/x' }, '60', undefined],
      [{ method: 'GET', path: '/x' }, '0', false],
    ] as const) {
      const server = limitedServer(1, after);
      const http = createHttpClient({
        baseUrl: 'http://api.test',
        fetch: server.fetch,
        ...(retry === undefined ? {} : { rateLimitRetry: retry }),
      });
      await expect(http.send(request)).rejects.toMatchObject({ code: 'HTTP_RATE_LIMITED', status: 429 });
      expect(server.calls).toHaveLength(1);
    }
  });

  it('rate limit - an aborted read stops waiting', async () => {
    const server = limitedServer(1, '5');
    const http = createHttpClient({ baseUrl: 'http://api.test', fetch: server.fetch });
    const controller = new AbortController();
    const pending = http.send({ method: 'GET', path: '/x', signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort(new Error('left the page'));
    await expect(pending).rejects.toThrow('left the page');
    expect(server.calls).toHaveLength(1);
  });
});
