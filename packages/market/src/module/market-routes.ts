/**
 * @module The market routes under `/api/v1/markets`: markets, candles, trades, ticker, indicators
 * and source status (public, read-only), and the admin views of scheduled jobs and the quarantine.
 * A symbol that is neither configured nor stored is 404 MARKET_SYMBOL_NOT_FOUND.
 */
import type { RequestAuth } from '@tickline/kernel';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ANONYMOUS_INDICATOR_MAX_BARS, indicatorBars } from './indicator-budget.ts';
import { registerMarketAdminRoutes } from './market-admin-routes.ts';
import { registerMarketVersionRoutes } from './market-version-routes.ts';
import type { CorporateActionProvider } from './corporate-action-provider.ts';
import { createMarketReads } from './market-reads.ts';
import { MARKET_TAGS as TAGS, type Input } from './route-input.ts';
import {
  CandlesQuerySchema,
  CandlesResponseSchema,
  IndicatorQuerySchema,
  IndicatorResponseSchema,
  MarketResponseSchema,
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
  /** A provider of corporate actions (the configured Alpaca source). */
  corporateActions?: CorporateActionProvider | undefined;
  /** The instant a market's session state is told for. @default Date.now */
  now?: (() => number) | undefined;
}

/** The routes as an encapsulated plugin, mounted under `/api/v1`. */
export function marketRoutes(options: MarketRoutesOptions): FastifyPluginAsync {
  return async function markets(app) {
    registerMarketRoutes(app, options);
  };
}

function registerMarketRoutes(app: FastifyInstance, options: MarketRoutesOptions): void {
  // The same reads GraphQL's market fields call (market-reads.ts).
  const reads = createMarketReads(options.view, options.symbols, options.now);
  const symbolOf = (request: FastifyRequest) => (request.params as Input<typeof SymbolParamsSchema>).symbol;
  // A public route: missing or bad credentials are an anonymous caller, not a 401.
  const signedIn = (request: FastifyRequest) =>
    options.auth.authenticate(request).then(
      () => true,
      () => false,
    );

  app.get(
    '/markets',
    {
      config: { scope: RouteAccess.Public },
      schema: {
        summary: 'Markets collected or stored',
        description:
          "Each with its venues, last price, a share's listing (exchange, currency) and its exchange's session now (open, early-close, closed with the next open; a pair is always-open).",
        tags: TAGS,
        response: { 200: MarketsResponseSchema },
      },
    },
    async function listMarketsRoute() {
      return { markets: await reads.markets() };
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
      return { sources: await options.view.sources() };
    },
  );

  app.get(
    '/markets/:symbol',
    {
      config: { scope: RouteAccess.Public },
      schema: {
        summary: 'A market: venues, last price, listing and session',
        description:
          "A share (`AAPL.US`, `005930.KS`) names its exchange and currency, and its session from the exchange's calendar: `open` or `early-close` with `closesAt`, `closed` with `nextOpen` (and the holiday's name), `unknown` for a year the calendar does not cover. A crypto pair is `always-open` with a null listing.",
        tags: TAGS,
        params: SymbolParamsSchema,
        response: { 200: MarketResponseSchema },
      },
    },
    async function marketRoute(request) {
      return { market: await reads.market(symbolOf(request)) };
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
      return reads.candles(symbolOf(request), request.query as Input<typeof CandlesQuerySchema>);
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
      return reads.trades(symbolOf(request), request.query as Input<typeof TradesQuerySchema>);
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
      return reads.ticker(symbolOf(request));
    },
  );

  app.get(
    '/markets/:symbol/indicators',
    {
      config: { scope: RouteAccess.Public },
      schema: {
        summary: 'An indicator over stored candles',
        description:
          'One point per candle in the range, each computed with the candles before the range as its warm-up (windowed indicators exactly; EMA, MACD, RSI and ATR within about 0.03 % of the whole history); null only where stored history is shorter than the warm-up. VWAP and OBV accumulate from the first candle returned.',
        tags: TAGS,
        params: SymbolParamsSchema,
        querystring: IndicatorQuerySchema,
        response: { 200: IndicatorResponseSchema },
      },
    },
    async function indicatorRoute(request) {
      const query = request.query as Input<typeof IndicatorQuerySchema>;
      const { name, limit, ...params } = query;
      // Bounded before any read (reads.indicator checks); a signed-in caller keeps the schema's
      // bounds, held by its tier's rate limit. Credentials are only looked at past the budget.
      const beyond = indicatorBars(name, limit, params) > ANONYMOUS_INDICATOR_MAX_BARS;
      const maxBars =
        beyond && (await signedIn(request)) ? Number.POSITIVE_INFINITY : ANONYMOUS_INDICATOR_MAX_BARS;
      return reads.indicator(symbolOf(request), query, maxBars);
    },
  );

  registerMarketAdminRoutes(app, options);
  registerMarketVersionRoutes(app, { ...options, reads });
}
