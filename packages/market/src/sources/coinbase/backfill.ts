/**
 * @module Coinbase REST backfill: the public
 * `GET /api/v3/brokerage/market/products/{id}/candles?start&end&granularity=ONE_MINUTE&limit`
 * (unix seconds), paged by 300 minutes.
 */
import type { Candle } from '../../port/market-message.ts';
import type { BackfillRequest, HttpGetJson } from '../network/dialect.ts';
import { MalformedFrameError, isJsonObject } from '../network/frame-fields.ts';
import { COINBASE_CANDLES_LIMIT } from './config.ts';
import { decodeCoinbaseCandle } from './decode.ts';

const MINUTE_MS = 60_000;

/** Complete 1m candles with `fromOpen <= openTime < toOpen`. */
export async function coinbaseBackfill(
  request: BackfillRequest,
  restUrl: string,
  get: HttpGetJson,
): Promise<Candle[]> {
  const out: Candle[] = [];
  for (let start = request.fromOpen; start < request.toOpen; start += COINBASE_CANDLES_LIMIT * MINUTE_MS) {
    const end = Math.min(request.toOpen, start + COINBASE_CANDLES_LIMIT * MINUTE_MS);
    const body = await get(
      `${restUrl}/api/v3/brokerage/market/products/${request.symbol}/candles` +
        `?start=${start / 1000}&end=${end / 1000 - 1}&granularity=ONE_MINUTE&limit=${COINBASE_CANDLES_LIMIT}`,
    );
    if (!isJsonObject(body) || !Array.isArray(body.candles)) {
      throw new MalformedFrameError('candles answer has no candles array');
    }
    out.push(...body.candles.map((c) => decodeCoinbaseCandle(c, request.symbol)));
  }
  return out;
}
