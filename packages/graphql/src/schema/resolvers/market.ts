/**
 * @module Markets (public, as `/api/v1/markets`): the list and one market through the routes' own
 * reads, candles and indicators validated by the routes' own query schemas, and tickers from the
 * in-memory latest-value store — a page of markets or positions reads them in one batch, no I/O
 * (on a gateway that takes only its clients' channels, one read of the delivery log's newest
 * tickers for the symbols it does not hold).
 */
import { TicklineError } from '@tickline/kernel';
import { CandlesQuerySchema, IndicatorQuerySchema } from '@tickline/market';
import { required } from '../caller.ts';
import { connectionOf, type ConnectionArgs } from '../connection.ts';
import type { GraphqlServices, MarketPort, TickerView } from '../services.ts';
import { given, type LoaderMap, type ResolverMap } from './types.ts';

const noTicker = (symbol: string): TickerView => ({ symbol, last: null, stats24h: null });

/** Tickers of every parent's `symbol`, from one read of the latest-value store. */
export async function tickersOf(
  market: MarketPort | undefined,
  symbols: readonly string[],
): Promise<TickerView[]> {
  const found = (await market?.tickers(symbols)) ?? new Map<string, TickerView>();
  return symbols.map((symbol) => found.get(symbol) ?? noTicker(symbol));
}

export function marketResolvers(services: GraphqlServices): ResolverMap {
  const market = () => required(services.market, 'markets');
  return {
    Query: {
      markets: async (_root: unknown, args: ConnectionArgs) => connectionOf(await market().markets(), args),
      async market(_root: unknown, args: { symbol: string }) {
        const found = (await market().markets()).find((m) => m.symbol === args.symbol);
        if (found === undefined)
          // Market's own code, as its routes answer an unknown symbol.
          throw new TicklineError('MARKET_SYMBOL_NOT_FOUND', `no market ${args.symbol}`, {
            details: { symbol: args.symbol },
          });
        return found;
      },
      ticker: (_root: unknown, args: { symbol: string }) => market().ticker(args.symbol),
    },
    Market: {
      async candles(parent: { symbol: string }, args: Record<string, unknown>) {
        const query = CandlesQuerySchema.parse(given(args));
        return (await market().candles(parent.symbol, query)).candles;
      },
      async indicator(parent: { symbol: string }, args: Record<string, unknown>) {
        const query = IndicatorQuerySchema.parse(given(args));
        const { name, interval, params, points } = await market().indicator(parent.symbol, query);
        return {
          name,
          interval,
          params,
          points: points.map(({ time, ...values }) => ({ time, values })),
        };
      },
    },
  };
}

export function marketLoaders(services: GraphqlServices): LoaderMap {
  return {
    Market: {
      ticker: async (queries: ReadonlyArray<{ obj: { symbol: string } }>) =>
        tickersOf(
          services.market,
          queries.map((q) => q.obj.symbol),
        ),
    },
  };
}
