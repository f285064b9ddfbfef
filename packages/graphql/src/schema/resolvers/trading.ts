/**
 * @module Paper portfolios and live runs, through live trading's own authentication and actions
 * (scopes as REST's routes: portfolio:read to read, portfolio:write to change, signals:read for a
 * run's signals and logs; another user's portfolio or run is not found). A page's relations —
 * positions' tickers, portfolios' runs, runs' strategies — are one batched read per request.
 */
import { STRATEGY_SCOPES } from '@tickline/strategy';
import { type LiveCaller, type LiveRunStatus } from '@tickline/trading';
import { IdempotencyKey, LiveSymbol, PlaceOrderBody, rejectionOf } from '@tickline/trading';
import { ApiKeyScope, EquityRange } from '@tickline/protocol';
import { z } from 'zod';
import { callerOf, liveCallerOf, optionalPortOf, portOf } from '../caller.ts';
import { connectionOf, type ConnectionArgs } from '../connection.ts';
import type { GraphqlServices, TradingPort } from '../services.ts';
import { tickersOf } from './market.ts';
import { strategiesFor } from './strategy.ts';
import { given, groupBy, type Context, type LoaderMap, type ResolverMap } from './types.ts';

/** The GraphQL enum's values as the REST range. */
const EQUITY_RANGE_OF = { DAY: EquityRange.Day, WEEK: EquityRange.Week, MONTH: EquityRange.Month } as const;

/** Orders a list answers at most, as `GET /portfolios/{id}/orders?status=all`. */
const ORDERS_LISTED = 1_000;
/** `GET /portfolios/{id}/equity`'s limit. */
const EquityLimit = z.int().min(1).max(1_000);

/** A portfolio as answered: its books' summary; its id is its owner's user id. */
interface PortfolioNode {
  id: string;
  cash: number;
  equity: number;
  dayStartEquity: number;
}

async function portfolioNode(trading: TradingPort, id: string): Promise<PortfolioNode> {
  const { portfolioId, ...summary } = await trading.actions.summary(id);
  return { id: portfolioId, ...summary };
}

export function tradingResolvers(services: GraphqlServices): ResolverMap {
  const port = (field: string, context: Context) => portOf(services, context, 'trading', field);
  const as = async (field: string, context: Context, scope: ApiKeyScope) => {
    const trading = port(field, context);
    return { trading, caller: await liveCallerOf(trading, context, scope) };
  };

  return {
    Query: {
      async portfolios(_root: unknown, args: ConnectionArgs, context: Context) {
        const { trading, caller } = await as('portfolios', context, ApiKeyScope.PortfolioRead);
        const ids = await trading.portfoliosOf(caller.userId);
        return connectionOf(await Promise.all(ids.map((id) => portfolioNode(trading, id))), args);
      },
      async portfolio(_root: unknown, args: { id: string }, context: Context) {
        const { trading, caller } = await as('portfolio', context, ApiKeyScope.PortfolioRead);
        await trading.actions.owned(caller, args.id, 'oversee');
        return portfolioNode(trading, args.id);
      },
      async liveRuns(_root: unknown, args: ConnectionArgs, context: Context) {
        const { trading, caller } = await as('liveRuns', context, ApiKeyScope.PortfolioRead);
        return connectionOf(await trading.actions.listRuns(caller.userId), args);
      },
      async liveRun(_root: unknown, args: { id: string }, context: Context) {
        const { trading, caller } = await as('liveRun', context, ApiKeyScope.PortfolioRead);
        return trading.actions.run(caller, args.id, 'oversee');
      },
    },
    // Each portfolio field re-checks the owner, as each REST route does (no I/O once it is loaded).
    Portfolio: {
      positions: (portfolio: PortfolioNode, _args: unknown, context: Context) =>
        port('positions', context).actions.positions(portfolio.id),
      async orders(
        portfolio: PortfolioNode,
        args: ConnectionArgs & { status: 'OPEN' | 'ALL' },
        context: Context,
      ) {
        const { trading, caller } = await as('orders', context, ApiKeyScope.PortfolioRead);
        const status = args.status === 'ALL' ? 'all' : 'open';
        return connectionOf(await trading.actions.orders(caller, portfolio.id, status, ORDERS_LISTED), args);
      },
      async equityHistory(
        portfolio: PortfolioNode,
        args: { limit: number; range?: 'DAY' | 'WEEK' | 'MONTH' | null },
        context: Context,
      ) {
        const { trading, caller } = await as('equityHistory', context, ApiKeyScope.PortfolioRead);
        const window =
          args.range == null
            ? { limit: EquityLimit.parse(args.limit) }
            : { range: EQUITY_RANGE_OF[args.range] };
        return trading.actions.equity(caller, portfolio.id, window);
      },
      async risk(portfolio: PortfolioNode, _args: unknown, context: Context) {
        const { trading, caller } = await as('risk', context, ApiKeyScope.PortfolioRead);
        return trading.actions.risk(caller, portfolio.id);
      },
    },
    LiveRun: {
      // REST reads these with their own scope (`/live-strategies/{id}/signals` and `/logs`).
      async lastSignals(run: LiveRunStatus, _args: unknown, context: Context) {
        await as('lastSignals', context, ApiKeyScope.SignalsRead);
        return run.lastSignals;
      },
      async logs(run: LiveRunStatus, _args: unknown, context: Context) {
        await as('logs', context, ApiKeyScope.SignalsRead);
        return run.logs;
      },
      // REST leaves it out when off.
      stopEntry: (run: LiveRunStatus) => run.stopEntry === true,
    },
    Mutation: {
      async placeOrder(
        _root: unknown,
        args: { portfolioId: string; idempotencyKey: string; input: Record<string, unknown> },
        context: Context,
      ) {
        const { trading, caller } = await as('placeOrder', context, ApiKeyScope.PortfolioWrite);
        const key = IdempotencyKey.parse(args.idempotencyKey);
        const body = PlaceOrderBody.parse(given(args.input));
        const order = await trading.actions.placeOrder(caller, args.portfolioId, key, body);
        const rejection = rejectionOf(order);
        return {
          order,
          rejection: rejection && {
            code: rejection.code,
            message: rejection.message,
            reason: rejection.details.reason,
          },
        };
      },
      async cancelOrder(
        _root: unknown,
        args: { portfolioId: string; clientOrderId: string; symbol: string },
        context: Context,
      ) {
        const { trading, caller } = await as('cancelOrder', context, ApiKeyScope.PortfolioWrite);
        const symbol = LiveSymbol.parse(args.symbol);
        return trading.actions.cancelOrder(caller, { ...args, symbol });
      },
      pauseLiveRun: (_root: unknown, args: { id: string }, context: Context) =>
        control('pauseLiveRun', context, (trading, caller) => trading.actions.pause(caller, args.id)),
      resumeLiveRun: (_root: unknown, args: { id: string }, context: Context) =>
        control('resumeLiveRun', context, (trading, caller) => trading.actions.resume(caller, args.id)),
    },
  };

  async function control(
    field: string,
    context: Context,
    act: (trading: TradingPort, caller: LiveCaller) => Promise<LiveRunStatus | undefined>,
  ) {
    const { trading, caller } = await as(field, context, ApiKeyScope.PortfolioWrite);
    return (await act(trading, caller)) ?? null;
  }
}

export function tradingLoaders(services: GraphqlServices): LoaderMap {
  return {
    Position: {
      // The latest-value store, read once for every position of the answer.
      ticker: async (queries: ReadonlyArray<{ obj: { symbol: string } }>) =>
        tickersOf(
          services.market,
          queries.map((q) => q.obj.symbol),
        ),
    },
    Portfolio: {
      // One read of the owner's runs for every portfolio of the answer (a portfolio's id is its owner's).
      async liveRuns(queries: ReadonlyArray<{ obj: PortfolioNode }>, context: Context) {
        const trading = portOf(services, context, 'trading', 'liveRuns');
        const byOwner = new Map<string, LiveRunStatus[]>();
        for (const owner of groupBy(queries, (q) => q.obj.id).keys())
          byOwner.set(owner, await trading.actions.listRuns(owner));
        return queries.map(({ obj }) => (byOwner.get(obj.id) ?? []).filter((r) => r.portfolioId === obj.id));
      },
    },
    LiveRun: {
      // A strategy's details are strategies:read's, whichever field they are reached from.
      async strategy(queries: ReadonlyArray<{ obj: LiveRunStatus }>, context: Context) {
        await callerOf(services, context, STRATEGY_SCOPES.read);
        return strategiesFor(
          optionalPortOf(services, context, 'strategies'),
          queries.map((q) => q.obj),
        );
      },
    },
  };
}
