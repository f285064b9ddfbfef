/**
 * @module Upbit REST backfill: `GET /v1/candles/minutes/1?market&to&count`, newest first, `to`
 * exclusive, up to 200 rows; paged backwards.
 */
import { toVenueSymbol } from '../../normalize/symbols.ts';
import type { Candle } from '../../port/market-message.ts';
import type { BackfillRequest, HttpGetJson } from '../network/dialect.ts';
import { MalformedFrameError } from '../network/frame-fields.ts';
import { UPBIT_CANDLES_LIMIT } from './config.ts';
import { decodeUpbitCandle } from './decode.ts';

const MINUTE_MS = 60_000;

/** `yyyy-MM-ddTHH:mm:ssZ`, the form Upbit documents for `to`. */
function upbitTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Complete 1m candles with `fromOpen <= openTime < toOpen`. */
export async function upbitBackfill(
  request: BackfillRequest,
  restUrl: string,
  get: HttpGetJson,
): Promise<Candle[]> {
  const market = toVenueSymbol('upbit', request.symbol);
  const out: Candle[] = [];
  let to = request.toOpen;
  while (to > request.fromOpen) {
    const count = Math.min(UPBIT_CANDLES_LIMIT, Math.ceil((to - request.fromOpen) / MINUTE_MS));
    const rows = await get(
      `${restUrl}/v1/candles/minutes/1?market=${market}&to=${encodeURIComponent(upbitTime(to))}&count=${count}`,
    );
    if (!Array.isArray(rows)) throw new MalformedFrameError('candles answer is not an array');
    const page = rows.map((r) => decodeUpbitCandle(r, request.symbol));
    out.push(...page);
    // No trades, no candle: a short page can still be followed by older minutes.
    if (page.length === 0) break;
    to = Math.min(...page.map((c) => c.openTime));
    if (page.length < count && to <= request.fromOpen) break;
  }
  return out;
}
