import { describe, expect, it } from 'vitest';
import type { AuthorizedSend } from '../auth/authorized-http.ts';
import type { HttpRequest } from '../http/http-client.ts';
import { resultsCalls } from './results-calls.ts';

describe('resultsCalls', () => {
  it('asks for the trades and the profit under the resource, with the query, and unwraps the profit', async () => {
    const asked: HttpRequest[] = [];
    const send = (async (request: HttpRequest) => {
      asked.push(request);
      return request.path.endsWith('/profit') ? { profit: { trades: 2 } } : { trades: [], total: 0 };
    }) as AuthorizedSend;
    const calls = resultsCalls(send, (id) => `/api/v1/portfolios/${encodeURIComponent(id)}`);
    expect(await calls.trades('p 1', { limit: 5, run: 's1' })).toEqual({ trades: [], total: 0 });
    expect(await calls.profit('p 1')).toEqual({ trades: 2 });
    expect(asked).toEqual([
      { method: 'GET', path: '/api/v1/portfolios/p%201/trades', query: { limit: 5, run: 's1' } },
      { method: 'GET', path: '/api/v1/portfolios/p%201/profit', query: {} },
    ]);
  });
});
