/** @module Binance REST backfill: `GET /api/v3/klines` pages of up to 1000 one-minute rows. */
import { toVenueSymbol } from '../../normalize/symbols.ts';
import type { Candle } from '../../port/market-message.ts';
import type { BackfillRequest, HttpGetJson } from '../network/dialect.ts';
import { MalformedFrameError } from '../network/frame-fields.ts';
import { BINANCE_KLINES_LIMIT } from './config.ts';
import { decodeKlineRow } from './decode.ts';

const MINUTE_MS = 60_000;

/** Complete 1m candles with `fromOpen <= openTime < toOpen`. */
export async function binanceBackfill(
  request: BackfillRequest,
  restUrl: string,
  get: HttpGetJson,
): Promise<Candle[]> {
  const symbol = toVenueSymbol('binance', request.symbol).toUpperCase();
  const out: Candle[] = [];
  let start = request.fromOpen;
  while (start < request.toOpen) {
    const limit = Math.min(BINANCE_KLINES_LIMIT, Math.ceil((request.toOpen - start) / MINUTE_MS));
    const url =
      `${restUrl}/api/v3/klines?symbol=${symbol}&interval=1m` +
      `&startTime=${start}&endTime=${request.toOpen - 1}&limit=${limit}`;
    const rows = await get(url);
    if (!Array.isArray(rows)) throw new MalformedFrameError('klines answer is not an array');
    const page = rows.map((r) => decodeKlineRow(r, request.symbol, '1m'));
    out.push(...page);
    if (page.length < limit) break;
    start = page[page.length - 1]!.openTime + MINUTE_MS;
  }
  return out;
}
