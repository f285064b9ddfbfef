/**
 * @module The market routes under `/api/v1/markets`: markets, candles, trades, ticker, indicators
 * and source status (public, read-only), and the admin views of scheduled jobs and the quarantine.
 * A symbol that is neither configured nor stored is 404 MARKET_SYMBOL_NOT_FOUND.
 */
import type { RequestAuth } from '@tickline/kernel';
import type { SqlQueryable } from '@tickline/store';
import { isLatest } from '../cache/market-read-cache.ts';
import { MarketError } from '../port/errors.ts';
import { listMarkets, queryCandles, queryTrades } from '../storage/queries.ts';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { indicatorPoints } from './indicator-points.ts';
import { registerMarketAdminRoutes } from './market-admin-routes.ts';
import { definedOnly, MARKET_TAGS as TAGS, type Input } from './route-input.ts';
import {
  CandlesQuerySchema,
  CandlesResponseSchema,
  IndicatorQuerySchema,
  IndicatorResponseSchema,
  MarketsResponseSchema,
  SourcesResponseSchema,
  SymbolParamsSchema,
  TickerResponseSchema,
  TradesQuerySchema,
  TradesResponseSchema,
} from './market-route-schemas.ts';
import type { MarketView } from './market-view.ts';
import { RouteAccess } from '@tickline/protocol';

/** Options for {@link marketRoutes}. */
export interface MarketRoutesOptions {
  view: MarketView;
  /** Identity's request authentication (the admin views). */
  auth: RequestAuth<FastifyRequest>;
  /** Symbols the deployment collects (`market.symbols`). */
  symbols: readonly string[];
}

/** The routes as an encapsulated plugin, mounted under `/api/v1`. */
export function marketRoutes(options: MarketRoutesOptions): FastifyPluginAsync {
  return async function markets(app) {
    registerMarketRoutes(app, options);
  };
}

function registerMarketRoutes(app: FastifyInstance, options: MarketRoutesOptions): void {
  const { view } = options;
  /**
   * Where a candle read runs. A latest read fills the cache, which the candle projection clears
   * right after its commit on the primary: filled from a replica that has not replayed that commit
   * yet, it would keep the old series until the next close. So those load from the primary, and
   * the rest (ranges, and everything where no cache runs) from the replica.
   */
  const candleReads = (query: { from?: number | undefined; to?: number | undefined }): SqlQueryable =>
    view.cache && isLatest(query) ? view.sql : view.reads;
  const configured = new Set(options.symbols);

  async function knownSymbol(request: FastifyRequest): Promise<string> {
    const { symbol } = request.params as Input<typeof SymbolParamsSchema>;
    if (configured.has(symbol) || view.latest.get(symbol)) return symbol;
    const stored = await listMarkets(view.reads);
    if (stored.some((m) => m.symbol === symbol)) return symbol;
    throw new MarketError('MARKET_SYMBOL_NOT_FOUND', `no market ${symbol}`, { details: { symbol } });
  }

  app.get(
    '/markets',
    {
      config: { scope: RouteAccess.Public },
      schema: {
        summary: 'Markets collected or stored',
        tags: TAGS,
        response: { 200: MarketsResponseSchema },
      },
    },
    async function listMarketsRoute() {
      const bySymbol = new Map<
        string,
        { exchanges: Set<string>; lastPrice: number | null; lastTradeAt: number | null }
      >();
      const entry = (symbol: string) => {
        let e = bySymbol.get(symbol);
        if (!e) bySymbol.set(symbol, (e = { exchanges: new Set(), lastPrice: null, lastTradeAt: null }));
        return e;
      };
      for (const symbol of configured) entry(symbol);
      for (const m of await listMarkets(view.reads)) {
        const e = entry(m.symbol);
        e.exchanges.add(m.exchange);
        if (m.lastTradeAt !== null && (e.lastTradeAt === null || m.lastTradeAt > e.lastTradeAt)) {
          e.lastTradeAt = m.lastTradeAt;
          e.lastPrice = m.lastPrice;
        }
      }
      for (const ticker of await view.tickers([...configured])) {
        const e = entry(ticker.symbol);
        e.exchanges.add(ticker.lastTrade.exchange);
        if (e.lastTradeAt === null || ticker.lastTrade.exchangeTime >= e.lastTradeAt) {
          e.lastTradeAt = ticker.lastTrade.exchangeTime;
          e.lastPrice = ticker.lastTrade.price;
        }
      }
      const markets = [...bySymbol]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([symbol, e]) => ({
          symbol,
          exchanges: [...e.exchanges].sort(),
          configured: configured.has(symbol),
          lastPrice: e.lastPrice,
          lastTradeAt: e.lastTradeAt,
        }));
      return { markets };
    },
  );

  app.get(
    '/markets/sources',
    {
      config: { scope: RouteAccess.Public },
      schema: {
        summary: 'Status of each market source',
        tags: TAGS,
        response: { 200: SourcesResponseSchema },
      },
    },
    async function listSources() {
      return { sources: await view.sources() };
    },
  );

  app.get(
    '/markets/:symbol/candles',
    {
      config: { scope: RouteAccess.Public },
      schema: {
        summary: 'Candles of a symbol',
        description: 'Ascending by open time. Forming candles are included (`closed: false`).',
        tags: TAGS,
        params: SymbolParamsSchema,
        querystring: CandlesQuerySchema,
        response: { 200: CandlesResponseSchema },
      },
    },
    async function candlesRoute(request) {
      const symbol = await knownSymbol(request);
      const q = request.query as Input<typeof CandlesQuerySchema>;
      const query = { symbol, ...definedOnly(q), interval: q.interval };
      const load = () => queryCandles(candleReads(query), query);
      const candles = await (view.cache ? view.cache.candles(query, load) : load());
      return { symbol, interval: q.interval, candles };
    },
  );

  app.get(
    '/markets/:symbol/trades',
    {
      config: { scope: RouteAccess.Public },
      schema: {
        summary: 'Trades of a symbol',
        description: 'Ascending by exchange time.',
        tags: TAGS,
        params: SymbolParamsSchema,
        querystring: TradesQuerySchema,
        response: { 200: TradesResponseSchema },
      },
    },
    async function tradesRoute(request) {
      const symbol = await knownSymbol(request);
      const q = request.query as Input<typeof TradesQuerySchema>;
      return { symbol, trades: await queryTrades(view.reads, { symbol, ...definedOnly(q) }) };
    },
  );

  app.get(
    '/markets/:symbol/ticker',
    {
      config: { scope: RouteAccess.Public },
      schema: {
        summary: 'Last trade and 24 h statistics of a symbol',
        description:
          'From the in-memory latest-value store (on a scaled gateway, the newest ticker message); live on the `market:{symbol}:ticker` channel.',
        tags: TAGS,
        params: SymbolParamsSchema,
        response: { 200: TickerResponseSchema },
      },
    },
    async function tickerRoute(request) {
      const symbol = await knownSymbol(request);
      const ticker = await view.ticker(symbol);
      return { symbol, last: ticker?.lastTrade ?? null, stats24h: ticker?.stats24h ?? null };
    },
  );

  app.get(
    '/markets/:symbol/indicators',
    {
      config: { scope: RouteAccess.Public },
      schema: {
        summary: 'An indicator over stored candles',
        description: 'One point per candle in the range; null during the warm-up.',
        tags: TAGS,
        params: SymbolParamsSchema,
        querystring: IndicatorQuerySchema,
        response: { 200: IndicatorResponseSchema },
      },
    },
    async function indicatorRoute(request) {
      const symbol = await knownSymbol(request);
      const q = request.query as Input<typeof IndicatorQuerySchema>;
      const { name, interval, period, fast, slow, signal, stddev, ...range } = q;
      const query = { symbol, interval, ...definedOnly(range) };
      const compute = async () =>
        indicatorPoints(name, await queryCandles(candleReads(query), query), {
          period,
          fast,
          slow,
          signal,
          stddev,
        });
      const key = { ...query, indicator: [name, period, fast, slow, signal, stddev].join(':') };
      const { params, points } = await (view.cache ? view.cache.indicator(key, compute) : compute());
      return { symbol, name, interval, params, points };
    },
  );

  registerMarketAdminRoutes(app, options);
}
