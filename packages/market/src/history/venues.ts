/**
 * @module The venues a history download fetches from: each one's public REST base URL and its
 * REST backfill (the same code the live sources use after a gap), which pages through the venue's
 * closed 1m candles the venue's own way — Binance 1000 rows forward, Coinbase 300 by time window,
 * Upbit 200 backwards.
 */
import type { Candle } from '../port/market-message.ts';
import type { BackfillRequest, HttpGetJson, VenueDialect } from '../sources/network/dialect.ts';
import { binanceDialect } from '../sources/binance/source.ts';
import { coinbaseDialect } from '../sources/coinbase/source.ts';
import { upbitDialect } from '../sources/upbit/source.ts';

export const HISTORY_VENUES = ['binance', 'coinbase', 'upbit'] as const;
export type HistoryVenue = (typeof HISTORY_VENUES)[number];

const DIALECTS: Readonly<Record<HistoryVenue, VenueDialect>> = {
  binance: binanceDialect,
  coinbase: coinbaseDialect,
  upbit: upbitDialect,
};

export const isHistoryVenue = (name: string): name is HistoryVenue =>
  (HISTORY_VENUES as readonly string[]).includes(name);

/** The venue's public REST API. */
export const venueRestUrl = (venue: HistoryVenue): string => DIALECTS[venue].defaultRestUrl;

/** Closed 1m candles with `fromOpen <= openTime < toOpen`, in open-time order, from `venue`. */
export async function fetchVenueMinutes(
  venue: HistoryVenue,
  request: Omit<BackfillRequest, 'interval'>,
  restUrl: string,
  get: HttpGetJson,
): Promise<Candle[]> {
  const rows = await DIALECTS[venue].backfill!({ ...request, interval: '1m' }, restUrl, get);
  const seen = new Set<number>();
  return rows
    .filter((c) => c.openTime >= request.fromOpen && c.openTime < request.toOpen)
    .sort((a, b) => a.openTime - b.openTime)
    .filter((c) => !seen.has(c.openTime) && seen.add(c.openTime));
}
