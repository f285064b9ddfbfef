/**
 * @module Live results as FreqUI shows them: closed trades (`GET /portfolios/{id}/trades`,
 * `GET /live-strategies/{id}/trades`, newest exit first, a page at a time) and the profit summary
 * (`…/profit`), built on each request from the journal's fills (portfolio/round-trips.ts) — no
 * second store to keep in step with the books. Registered by live-routes.ts inside its plugin.
 *
 * A run is its strategy in its portfolio (`{portfolioId}:{strategyId}`): its trades are the
 * portfolio's trades whose entry it placed, closed by its exits or by a force exit.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TicklineError } from '@tickline/kernel';
import { ApiKeyScope, ClosedTradesResponseSchema, ProfitResponseSchema } from '@tickline/protocol';
import type { CorePortfolioLedger } from '../portfolio/portfolio-ledger.ts';
import { profitSummary } from '../portfolio/profit-summary.ts';
import { fillsOf, roundTrips, type ClosedTrade } from '../portfolio/round-trips.ts';
import type { OrderJournal } from '../broker/order-journal.ts';
import { LiveSymbol, type LiveActions } from './live-actions.ts';
import type { LiveCaller } from './live-options.ts';

/**
 * Orders read to build a portfolio's trades, newest first: enough for months of a busy run; a
 * portfolio past it shows the trades of its latest orders.
 */
export const RESULTS_MAX_ORDERS = 20_000;

const PortfolioParams = z.object({ portfolioId: z.string().min(1).max(100) });
const RunParams = z.object({ id: z.string().min(1).max(200) });
const PageQuery = z.object({
  symbol: LiveSymbol.optional(),
  cursor: z.string().max(300).optional().describe('`nextCursor` of the previous page.'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
const RunFilter = z
  .string()
  .min(1)
  .max(100)
  .optional()
  .describe("A run's strategy id (`manual` for manual orders): its trades only.");

/** Where a page starts after: the last trade of the previous page (exit time, id). */
function encodeCursor(t: ClosedTrade): string {
  return Buffer.from(JSON.stringify([t.exitTime, t.id])).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    // Answered below.
  }
  throw new TicklineError('STRATEGY_LIVE_TRADES_CURSOR', 'cursor is not a nextCursor of this list', {
    details: { cursor },
  });
}

/** Newest exit first; ties by id, so a cursor names one place. */
const newestFirst = (a: ClosedTrade, b: ClosedTrade) =>
  b.exitTime - a.exitTime || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** One page of `trades` (sorted {@link newestFirst}) after `cursor`. */
export function tradesPage(trades: readonly ClosedTrade[], cursor: string | undefined, limit: number) {
  let start = 0;
  if (cursor !== undefined) {
    const [time, id] = decodeCursor(cursor);
    const after = { exitTime: time, id } as ClosedTrade;
    start = trades.findIndex((t) => newestFirst(after, t) < 0);
    if (start < 0) start = trades.length;
  }
  const page = trades.slice(start, start + limit);
  const more = start + limit < trades.length;
  return {
    trades: page,
    total: trades.length,
    ...(more ? { nextCursor: encodeCursor(page[page.length - 1]!) } : {}),
  };
}

/** The closed and open trades of a portfolio, of one run and symbol when asked (chat control's /profit too). */
export async function resultsOf(
  journal: OrderJournal,
  portfolioId: string,
  filter: { run?: string | undefined; symbol?: string | undefined },
) {
  // The journal answers last changed first (placed last first among equal times): reversed, and
  // fillsOf puts fills of one time in the order placed.
  const orders = (await journal.recent(portfolioId, RESULTS_MAX_ORDERS)).reverse();
  const { closed, open } = roundTrips(fillsOf(orders));
  const keep = (t: { run: string; symbol: string }) =>
    (filter.run === undefined || t.run === filter.run) &&
    (filter.symbol === undefined || t.symbol === filter.symbol);
  return { closed: closed.filter(keep).sort(newestFirst), open: open.filter(keep) };
}

/** Adds the routes to `fastify` (inside the live routes' plugin). */
export function resultsRoutes(
  fastify: FastifyInstance,
  callerOf: (request: FastifyRequest) => Promise<LiveCaller>,
  actions: LiveActions,
  o: { journal: OrderJournal; books: CorePortfolioLedger },
): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const markOf = (portfolioId: string) => (symbol: string) =>
    o.books.position(portfolioId, symbol)?.markPrice;
  const portfolio = async (request: FastifyRequest, portfolioId: string) =>
    actions.owned(await callerOf(request), portfolioId, 'oversee');
  /** The run's portfolio and strategy: its trades' filter. */
  const run = async (request: FastifyRequest, id: string) => {
    const status = await actions.run(await callerOf(request), id, 'oversee');
    return { portfolioId: status.portfolioId, run: status.strategyId };
  };

  app.get(
    '/portfolios/:portfolioId/trades',
    {
      config: { scope: ApiKeyScope.PortfolioRead },
      schema: {
        summary: "A portfolio's closed trades, newest exit first",
        description:
          'Round trips from flat to flat per run and symbol, built from the fills (exits matched first in, first out): entry, exit, quantity, fees, duration, profit after fees and its percentage of the entry cost. Paginated: pass `nextCursor` as `cursor`.',
        params: PortfolioParams,
        querystring: PageQuery.extend({ run: RunFilter }),
        response: { 200: ClosedTradesResponseSchema },
      },
    },
    async (request) => {
      const { portfolioId } = request.params;
      await portfolio(request, portfolioId);
      const { run: runId, symbol, cursor, limit } = request.query;
      const { closed } = await resultsOf(o.journal, portfolioId, { run: runId, symbol });
      return tradesPage(closed, cursor, limit);
    },
  );

  app.get(
    '/portfolios/:portfolioId/profit',
    {
      config: { scope: ApiKeyScope.PortfolioRead },
      schema: {
        summary: "A portfolio's profit summary",
        description:
          'Realized (closed trades and partial exits, after fees) and unrealized (open lots at the last price, after their entry fees) profit, wins and losses, and the closed trades per run, pair, exit reason and UTC day.',
        params: PortfolioParams,
        querystring: z.object({ run: RunFilter, symbol: LiveSymbol.optional() }),
        response: { 200: ProfitResponseSchema },
      },
    },
    async (request) => {
      const { portfolioId } = request.params;
      await portfolio(request, portfolioId);
      const { closed, open } = await resultsOf(o.journal, portfolioId, request.query);
      return { profit: profitSummary(closed, open, markOf(portfolioId)) };
    },
  );

  app.get(
    '/live-strategies/:id/trades',
    {
      config: { scope: ApiKeyScope.PortfolioRead },
      schema: {
        summary: "A live run's closed trades, newest exit first",
        description: 'As `GET /portfolios/{id}/trades` for the run: the trades it entered.',
        params: RunParams,
        querystring: PageQuery,
        response: { 200: ClosedTradesResponseSchema },
      },
    },
    async (request) => {
      const { portfolioId, run: runId } = await run(request, request.params.id);
      const { symbol, cursor, limit } = request.query;
      const { closed } = await resultsOf(o.journal, portfolioId, { run: runId, symbol });
      return tradesPage(closed, cursor, limit);
    },
  );

  app.get(
    '/live-strategies/:id/profit',
    {
      config: { scope: ApiKeyScope.PortfolioRead },
      schema: {
        summary: "A live run's profit summary",
        description: 'As `GET /portfolios/{id}/profit` for the run: the trades it entered.',
        params: RunParams,
        querystring: z.object({ symbol: LiveSymbol.optional() }),
        response: { 200: ProfitResponseSchema },
      },
    },
    async (request) => {
      const { portfolioId, run: runId } = await run(request, request.params.id);
      const { closed, open } = await resultsOf(o.journal, portfolioId, {
        run: runId,
        symbol: request.query.symbol,
      });
      return { profit: profitSummary(closed, open, markOf(portfolioId)) };
    },
  );
}
