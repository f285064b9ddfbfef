/**
 * @module `…/trades` and `…/profit` under a portfolio or a live run: the routes answer both alike
 * (results-routes), so the portfolio and live-run APIs build the two calls here.
 */
import type { AuthorizedSend } from '../auth/authorized-http.ts';
import type { HttpRequest } from '../http/http-client.ts';
import type { ClosedTradesResponse, ProfitSummary } from '@tickline/protocol';

type Query = NonNullable<HttpRequest['query']>;

/** The closed trades and the profit summary of the resource at `one(id)`. */
export function resultsCalls(
  send: AuthorizedSend,
  one: (id: string) => string,
): {
  trades(id: string, query?: Query): Promise<ClosedTradesResponse>;
  profit(id: string, query?: Query): Promise<ProfitSummary>;
} {
  return {
    trades: (id, query = {}) => send({ method: 'GET', path: `${one(id)}/trades`, query: { ...query } }),
    profit: async (id, query = {}) =>
      (
        await send<{ profit: ProfitSummary }>({
          method: 'GET',
          path: `${one(id)}/profit`,
          query: { ...query },
        })
      ).profit,
  };
}
