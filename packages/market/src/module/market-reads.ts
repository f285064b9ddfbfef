/**
 * @module What the public market routes answer, as functions both REST and GraphQL call: the
 * market list, a symbol's candles, ticker and indicator. A symbol that is neither configured nor
 * stored is MARKET_SYMBOL_NOT_FOUND; inputs arrive already validated by the routes' zod schemas.
 */
import type { z } from 'zod';
import type { SqlQueryable } from '@tickline/store';
import { isLatest } from '../cache/market-read-cache.ts';
import { MarketError } from '../port/errors.ts';
import { listMarkets, queryCandles, queryTrades } from '../storage/queries.ts';
import { adjustmentsFor, queryAdjustedCandles } from '../corporate-actions/adjusted-reads.ts';
import { adjustBars } from '../corporate-actions/adjust.ts';
import { dataVersionAt } from '../versions/data-versions.ts';
import { ANONYMOUS_INDICATOR_MAX_BARS, checkIndicatorBudget } from './indicator-budget.ts';
import { indicatorParams, indicatorPoints, warmupBars } from './indicator-points.ts';
import type { CandlesQuerySchema, IndicatorQuerySchema, TradesQuerySchema } from './market-route-schemas.ts';
import type { MarketView } from './market-view.ts';
import { definedOnly } from './route-input.ts';
import { marketSessionOf } from '../calendars/session-state.ts';
import type { MarketListing, MarketSession } from '@tickline/protocol';

/** One market as `GET /markets` lists it. */
export interface MarketSummary {
  symbol: string;
  exchanges: string[];
  configured: boolean;
  lastPrice: number | null;
  lastTradeAt: number | null;
  /** A share's exchange and currency; null for a pair. */
  listing: MarketListing | null;
  /** Its exchange's session now (a pair: always open). */
  session: MarketSession;
}

/** See the module comment. */
export interface MarketReads {
  /** The symbol when it is configured, traded or stored. @throws MARKET_SYMBOL_NOT_FOUND */
  knownSymbol(symbol: string): Promise<string>;
  markets(): Promise<MarketSummary[]>;
  /** One market, with its listing and session. @throws MARKET_SYMBOL_NOT_FOUND */
  market(symbol: string): Promise<MarketSummary>;
  candles(
    symbol: string,
    query: z.output<typeof CandlesQuerySchema>,
  ): Promise<{
    symbol: string;
    interval: string;
    candles: Awaited<ReturnType<typeof queryCandles>>;
    /** Present on an adjusted read. */
    adjust?: 'none' | 'split' | 'total';
    /** The data version an as-of read read. */
    asOf?: number;
  }>;
  trades(
    symbol: string,
    query: z.output<typeof TradesQuerySchema>,
  ): Promise<{ symbol: string; trades: Awaited<ReturnType<typeof queryTrades>> }>;
  ticker(symbol: string): Promise<{
    symbol: string;
    last: NonNullable<ReturnType<MarketView['latest']['get']>>['lastTrade'] | null;
    stats24h: NonNullable<ReturnType<MarketView['latest']['get']>>['stats24h'] | null;
  }>;
  /**
   * @param maxBars candles the request may read (limit plus warm-up); GraphQL and anyone else not
   * telling a signed-in caller apart get the anonymous budget. @throws MARKET_INDICATOR_TOO_COSTLY
   */
  indicator(
    symbol: string,
    query: z.output<typeof IndicatorQuerySchema>,
    maxBars?: number,
  ): Promise<{
    symbol: string;
    name: string;
    interval: string;
    params: Record<string, number>;
    points: Array<{ time: number } & Record<string, number | null>>;
  }>;
}

/**
 * The reads over `view`; `symbols` are the ones the deployment collects (`market.symbols`); `now`
 * is the instant a session state is told for.
 */
export function createMarketReads(
  view: MarketView,
  symbols: readonly string[],
  now: () => number = Date.now,
): MarketReads {
  const configured = new Set(symbols);
  /**
   * Where a candle read runs. A latest read fills the cache, which the candle projection clears
   * right after its commit on the primary: filled from a replica that has not replayed that commit
   * yet, it would keep the old series until the next close. So those load from the primary, and
   * the rest (ranges, and everything where no cache runs) from the replica.
   */
  const candleReads = (query: { from?: number | undefined; to?: number | undefined }): SqlQueryable =>
    view.cache && isLatest(query) ? view.sql : view.reads;

  async function knownSymbol(symbol: string): Promise<string> {
    if (configured.has(symbol) || view.latest.get(symbol)) return symbol;
    const stored = await listMarkets(view.reads);
    if (stored.some((m) => m.symbol === symbol)) return symbol;
    throw new MarketError('MARKET_SYMBOL_NOT_FOUND', `no market ${symbol}`, { details: { symbol } });
  }

  const reads: MarketReads = {
    knownSymbol,
    async markets() {
      const bySymbol = new Map<
        string,
        {
          exchanges: Set<string>;
          lastPrice: number | null;
          lastTradeAt: number | null;
          lastExchange?: string;
        }
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
          e.lastExchange = m.exchange;
        }
      }
      for (const ticker of await view.tickers([...configured])) {
        const e = entry(ticker.symbol);
        e.exchanges.add(ticker.lastTrade.exchange);
        if (e.lastTradeAt === null || ticker.lastTrade.exchangeTime >= e.lastTradeAt) {
          e.lastTradeAt = ticker.lastTrade.exchangeTime;
          e.lastPrice = ticker.lastTrade.price;
          e.lastExchange = ticker.lastTrade.exchange;
        }
      }
      const at = now();
      return [...bySymbol]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([symbol, e]) => ({
          symbol,
          exchanges: liveFirst(e.exchanges, e.lastExchange),
          configured: configured.has(symbol),
          lastPrice: e.lastPrice,
          lastTradeAt: e.lastTradeAt,
          ...marketSessionOf(symbol, at),
        }));
    },
    async market(symbolInput) {
      const symbol = await knownSymbol(symbolInput);
      const found = (await reads.markets()).find((m) => m.symbol === symbol);
      if (found) return found;
      // Known from the latest-value store alone (a trade not yet projected).
      const empty = { exchanges: [], configured: false, lastPrice: null, lastTradeAt: null };
      return { symbol, ...empty, ...marketSessionOf(symbol, now()) };
    },
    async candles(symbolInput, q) {
      const symbol = await knownSymbol(symbolInput);
      const { adjust, asOf, asOfTime, ...range } = q;
      const query = { symbol, ...definedOnly(range), interval: q.interval };
      if (adjust === 'none' && asOf === undefined && asOfTime === undefined) {
        const load = () => queryCandles(candleReads(query), query);
        const candles = await (view.cache ? view.cache.candles(query, load) : load());
        return { symbol, interval: q.interval, candles };
      }
      // Adjusted and as-of reads skip the cache (it holds the current raw series only).
      const version = asOf ?? (asOfTime === undefined ? undefined : await dataVersionAt(view.reads, asOfTime));
      const read = await queryAdjustedCandles(view.reads, {
        ...query,
        adjust,
        ...(version === undefined ? {} : { asOfVersion: version }),
      });
      return { symbol, interval: q.interval, candles: read.candles, adjust, ...(version === undefined ? {} : { asOf: version }) };
    },
    async trades(symbolInput, q) {
      const symbol = await knownSymbol(symbolInput);
      return { symbol, trades: await queryTrades(view.reads, { symbol, ...definedOnly(q) }) };
    },
    async ticker(symbolInput) {
      const symbol = await knownSymbol(symbolInput);
      const ticker = await view.ticker(symbol);
      return { symbol, last: ticker?.lastTrade ?? null, stats24h: ticker?.stats24h ?? null };
    },
    async indicator(symbolInput, q, maxBars = ANONYMOUS_INDICATOR_MAX_BARS) {
      const { name, interval, period, fast, slow, signal, stddev, adjust, ...range } = q;
      const asked = { period, fast, slow, signal, stddev };
      checkIndicatorBudget(name, range.limit, asked, maxBars);
      const symbol = await knownSymbol(symbolInput);
      const query = { symbol, interval, ...definedOnly(range) };
      const compute = async () => {
        const sql = candleReads(query);
        // A share's indicator over adjusted prices: an RSI across a split sees no crash.
        const { adjustments } = await adjustmentsFor(sql, symbol, interval, adjust);
        const candles = adjustBars(await queryCandles(sql, query), adjustments);
        // The candles before the first one asked for, so that its value is not a warm-up null.
        const warmup = warmupBars(name, indicatorParams(name, asked));
        if (warmup === 0 || candles.length === 0) return indicatorPoints(name, candles, asked);
        const exchanges = new Set(candles.map((c) => c.exchange)).size;
        const before = adjustBars(
          await queryCandles(sql, {
            symbol,
            interval,
            ...(range.exchange === undefined ? {} : { exchange: range.exchange }),
            to: candles[0]!.openTime,
            limit: warmup * exchanges,
          }),
          adjustments,
        );
        return indicatorPoints(name, [...before, ...candles], asked, before.length);
      };
      const key = { ...query, indicator: [name, period, fast, slow, signal, stddev, adjust].join(':') };
      const { params, points } = await (view.cache ? view.cache.indicator(key, compute) : compute());
      return { symbol, name, interval, params, points };
    },
  };
  return reads;
}

/**
 * The exchange of the newest trade first, then the rest by name: a chart follows the first one, and
 * an exchange known only from imported history (Binance klines shipped with the project) has no
 * live candles to follow.
 */
function liveFirst(exchanges: ReadonlySet<string>, live: string | undefined): string[] {
  const rest = [...exchanges].filter((exchange) => exchange !== live).sort();
  return live === undefined ? rest : [live, ...rest];
}
