/**
 * @module The venues a history download fetches from: each one's REST base URL, the bars its
 * history serves and which symbols, and its REST paging — the same code the live sources use
 * after a gap: Binance 1000 minutes forward, Coinbase 300 by time window, Upbit 200 backwards,
 * Alpaca 10,000 minutes a page by `next_page_token`; KIS serves daily bars only (its minute chart
 * covers the current day), 100 sessions a page backwards. A share venue is not called for a
 * range with no session of its exchange (a weekend, a holiday): there is nothing to fetch.
 */
import type { Candle } from '../port/market-message.ts';
import type { HttpGetJson, VenueDialect } from '../sources/network/dialect.ts';
import { binanceDialect } from '../sources/binance/source.ts';
import { coinbaseDialect } from '../sources/coinbase/source.ts';
import { upbitDialect } from '../sources/upbit/source.ts';
import { alpacaBackfill } from '../sources/alpaca/backfill.ts';
import { ALPACA_REST_URL, type AlpacaFeed } from '../sources/alpaca/config.ts';
import { kisDailyBars } from '../sources/kis/daily-bars.ts';
import { KIS_REST_URL } from '../sources/kis/config.ts';
import { exchangeCalendar } from '../calendars/registry.ts';
import { parseEquitySymbol, type EquityExchange } from '../normalize/equity-symbols.ts';

export const HISTORY_VENUES = ['binance', 'coinbase', 'upbit', 'alpaca', 'kis'] as const;
export type HistoryVenue = (typeof HISTORY_VENUES)[number];

/** A window of bars: those opening in `[fromOpen, toOpen)`. */
export interface VenueBarsRequest {
  readonly symbol: string;
  readonly fromOpen: number;
  readonly toOpen: number;
}

/** How a venue's account is read (a share venue's configured source). */
export interface VenueFetchOptions {
  /** Alpaca's feed. @default 'iex' */
  alpacaFeed?: AlpacaFeed | undefined;
}

interface VenueSpec {
  readonly defaultRestUrl: string;
  /** The finest bars its REST history serves: minutes (rolled up to every interval) or days. */
  readonly bars: '1m' | '1d';
  /** The exchange of the shares it serves; null for a crypto venue (pairs). */
  readonly exchange: EquityExchange | null;
  /** UTC days one fetch covers: a day of minutes, or a run of days of daily bars. */
  readonly daysPerFetch: number;
  fetch(
    request: VenueBarsRequest,
    restUrl: string,
    get: HttpGetJson,
    options: VenueFetchOptions,
  ): Promise<Candle[]>;
}

const crypto = (dialect: VenueDialect): VenueSpec => ({
  defaultRestUrl: dialect.defaultRestUrl,
  bars: '1m',
  exchange: null,
  daysPerFetch: 1,
  fetch: (request, restUrl, get) => dialect.backfill!({ ...request, interval: '1m' }, restUrl, get),
});

const VENUES: Readonly<Record<HistoryVenue, VenueSpec>> = {
  binance: crypto(binanceDialect),
  coinbase: crypto(coinbaseDialect),
  upbit: crypto(upbitDialect),
  alpaca: {
    defaultRestUrl: ALPACA_REST_URL,
    bars: '1m',
    exchange: 'US',
    daysPerFetch: 1,
    fetch: (request, restUrl, get, options) =>
      alpacaBackfill(options.alpacaFeed ?? 'iex')({ ...request, interval: '1m' }, restUrl, get),
  },
  kis: {
    defaultRestUrl: KIS_REST_URL,
    bars: '1d',
    exchange: 'KS',
    // About 70 sessions: one page of KIS's 100 rows.
    daysPerFetch: 100,
    fetch: (request, restUrl, get) => kisDailyBars(request, restUrl, get),
  },
};

export const isHistoryVenue = (name: string): name is HistoryVenue =>
  (HISTORY_VENUES as readonly string[]).includes(name);

/** The venue's public REST API. */
export const venueRestUrl = (venue: HistoryVenue): string => VENUES[venue].defaultRestUrl;

/** The bars `venue`'s history serves: `1m` (rolled up to every interval) or `1d` only. */
export const venueBarInterval = (venue: HistoryVenue): '1m' | '1d' => VENUES[venue].bars;

/** UTC days one fetch of `venue` covers. */
export const venueDaysPerFetch = (venue: HistoryVenue): number => VENUES[venue].daysPerFetch;

const SHARES: Readonly<Record<EquityExchange, string>> = {
  US: 'US shares (AAPL.US)',
  KS: 'KRX shares (005930.KS)',
};

/**
 * Why `venue` cannot serve `symbol` at `interval`, or null when it can: a share venue serves its
 * exchange's shares, a crypto venue pairs, and a daily-bar venue the 1d interval only.
 */
export function venueRefusal(venue: HistoryVenue, symbol: string, interval: string): string | null {
  const spec = VENUES[venue];
  const share = parseEquitySymbol(symbol);
  if (spec.exchange !== null && share?.exchange !== spec.exchange)
    return `${venue} serves ${SHARES[spec.exchange]}, not ${symbol}`;
  if (spec.exchange === null && share)
    return `${venue} serves crypto pairs; ${symbol} downloads from ${share.exchange === 'US' ? 'alpaca' : 'kis'}`;
  if (spec.bars === '1d' && interval !== '1d')
    return `${venue} serves daily bars only (its minute chart covers the current day): ask for 1d`;
  return null;
}

/**
 * Closed bars of the venue's kind ({@link venueBarInterval}) opening in `[fromOpen, toOpen)`, in
 * open-time order, without duplicates. A share venue is not called when its exchange has no
 * session in the window. @throws MARKET_CALENDAR_MISSING for a share in a year with no calendar
 */
export async function fetchVenueBars(
  venue: HistoryVenue,
  request: VenueBarsRequest,
  restUrl: string,
  get: HttpGetJson,
  options: VenueFetchOptions = {},
): Promise<Candle[]> {
  const spec = VENUES[venue];
  if (
    spec.exchange &&
    exchangeCalendar(spec.exchange).sessionsBetween(request.fromOpen, request.toOpen).length === 0
  )
    return [];
  const rows = await spec.fetch(request, restUrl, get, options);
  const seen = new Set<number>();
  return rows
    .filter((c) => c.openTime >= request.fromOpen && c.openTime < request.toOpen)
    .sort((a, b) => a.openTime - b.openTime)
    .filter((c) => !seen.has(c.openTime) && seen.add(c.openTime));
}
