/**
 * @module Alpaca REST backfill: `GET /v2/stocks/{symbol}/bars?timeframe=1Min&start&end&limit&feed`
 * (start inclusive, end exclusive here: end is one ms before the window's end, as Alpaca's is
 * inclusive), oldest first, paged by `page_token` = the previous answer's `next_page_token` until
 * it is null. Minutes with no trade have no bar (nights, weekends, holidays).
 */
import { toVenueSymbol } from '../../normalize/symbols.ts';
import type { Candle } from '../../port/market-message.ts';
import type { BackfillRequest, HttpGetJson } from '../network/dialect.ts';
import { MalformedFrameError, requireObject } from '../network/frame-fields.ts';
import { ALPACA_BARS_LIMIT, type AlpacaFeed } from './config.ts';
import { decodeAlpacaBar } from './decode.ts';

/** Pages followed per window at most: 6 h of minutes fit one page, so more means a looping token. */
const MAX_PAGES = 100;

/** The backfill of one feed: complete 1m bars with `fromOpen <= openTime < toOpen`. */
export function alpacaBackfill(feed: AlpacaFeed, pageLimit: number = ALPACA_BARS_LIMIT) {
  return async function alpacaBackfillBars(
    request: BackfillRequest,
    restUrl: string,
    get: HttpGetJson,
  ): Promise<Candle[]> {
    const ticker = encodeURIComponent(toVenueSymbol('alpaca', request.symbol));
    const query = new URLSearchParams({
      timeframe: '1Min',
      start: new Date(request.fromOpen).toISOString(),
      end: new Date(request.toOpen - 1).toISOString(),
      limit: String(pageLimit),
      feed,
      adjustment: 'raw',
      sort: 'asc',
    });
    const out: Candle[] = [];
    let token: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      if (token !== null) query.set('page_token', token);
      const answer = requireObject(await get(`${restUrl}/v2/stocks/${ticker}/bars?${query}`), 'bars answer');
      const bars = answer.bars ?? [];
      if (!Array.isArray(bars)) throw new MalformedFrameError('bars is not an array');
      for (const row of bars) {
        const candle = decodeAlpacaBar(row, request.symbol);
        if (candle.openTime >= request.fromOpen && candle.openTime < request.toOpen) out.push(candle);
      }
      const next = answer.next_page_token;
      if (typeof next !== 'string' || next === '') return out;
      token = next;
    }
    throw new MalformedFrameError(`more than ${MAX_PAGES} pages of bars for one window`);
  };
}
