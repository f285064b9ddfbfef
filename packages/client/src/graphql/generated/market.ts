/**
 * @module The GraphQL schema's market types for the SDK. Generated from the server's SDL by
 * `npm run docs:graphql` (packages/graphql/src/docs/client-types.ts); do not edit. A test fails
 * when it drifts from the schema. Pick what a query selects: `Pick<GqlPortfolio, 'id' | 'cash'>`,
 * with `GqlQueryPortfolioArgs` as its variables.
 */
import type { GqlPageInfo } from './common.ts';

export interface GqlCandle {
  exchange: string;
  symbol: string;
  interval: string;
  /** Milliseconds since the epoch. */
  openTime: number;
  closeTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quoteVolume: number;
  trades: number;
  /** A source disconnect overlapped it: trades may be missing. */
  incomplete: boolean;
  revision: number;
  /** False while it is forming. */
  closed: boolean;
}

export interface GqlIndicator {
  name: string;
  interval: string;
  /** The parameters used (the defaults filled in). */
  params: unknown;
  points: GqlIndicatorPoint[];
}

export interface GqlIndicatorPoint {
  /** The candle's open time (epoch ms). */
  time: number;
  /**
   * `value`, or the indicator's named lines (macd/signal/histogram, upper/middle/lower, k/d); null
   * in the warm-up.
   */
  values: unknown;
}

export interface GqlMarket {
  symbol: string;
  exchanges: string[];
  /** In market.symbols or named by a configured source (collected by this deployment). */
  configured: boolean;
  lastPrice: number | null;
  lastTradeAt: number | null;
  /** A share's exchange and currency; null for a crypto pair. */
  listing: GqlMarketListing | null;
  session: GqlMarketSession;
  ticker: GqlTicker;
  /**
   * Candles ascending by open time, forming ones included; interval one of 1s 1m 5m 15m 1h 4h 1d.
   * Without from, the latest before to. limit: 500 by default, at most 5,000.
   */
  candles: GqlCandle[];
  /** An indicator over the stored candles: sma ema wma rsi macd bollinger atr stochastic vwap obv. */
  indicator: GqlIndicator;
}

/** Arguments of `Market.candles`. */
export interface GqlMarketCandlesArgs {
  interval?: string | null;
  from?: number | null;
  to?: number | null;
  limit?: number | null;
  exchange?: string | null;
}

/** Arguments of `Market.indicator`. */
export interface GqlMarketIndicatorArgs {
  name: string;
  interval?: string | null;
  period?: number | null;
  fast?: number | null;
  slow?: number | null;
  signal?: number | null;
  stddev?: number | null;
  from?: number | null;
  to?: number | null;
  limit?: number | null;
  exchange?: string | null;
}

export interface GqlMarketConnection {
  edges: GqlMarketEdge[];
  nodes: GqlMarket[];
  pageInfo: GqlPageInfo;
}

export interface GqlMarketEdge {
  cursor: string;
  node: GqlMarket;
}

/**
 * Where a share is listed: its exchange (US for NYSE / Nasdaq, KS for the Korea Exchange), currency
 * and the zone its hours are written in.
 */
export interface GqlMarketListing {
  exchange: string;
  name: string;
  currency: string;
  timeZone: string;
}

/**
 * A market's session now, from its exchange's calendar: state open, early-close, closed,
 * always-open (a pair) or unknown (a year with no calendar). Times are epoch ms.
 */
export interface GqlMarketSession {
  state: string;
  opensAt: number | null;
  closesAt: number | null;
  nextOpen: number | null;
  /** The session's other hours by name (an early close, a late open). */
  special: string | null;
  holiday: string | null;
  detail: string | null;
}

export interface GqlStats24h {
  windowStart: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quoteVolume: number;
  trades: number;
  change: number;
  changePercent: number;
}

/** Last trade and 24 h statistics, from the in-memory latest-value store. */
export interface GqlTicker {
  symbol: string;
  last: GqlTrade | null;
  stats24h: GqlStats24h | null;
}

export interface GqlTrade {
  exchange: string;
  symbol: string;
  tradeId: string;
  price: number;
  size: number;
  side: string;
  /** Milliseconds since the epoch, as the venue reports it. */
  exchangeTime: number;
}
