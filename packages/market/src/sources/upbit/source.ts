/**
 * @module The Upbit source: the array request with a ticket, binary or text JSON frames, the
 * `PING` keep-alive answered by `{"status":"UP"}`, `sequential_id` for dedupe (it is unique but
 * not contiguous, so gaps are found through disconnects only), minute-candle REST backfill.
 */
import type { VenueDialect } from '../network/dialect.ts';
import { WebSocketSource } from '../network/websocket-source.ts';
import { upbitBackfill } from './backfill.ts';
import {
  UPBIT_DEFAULTS,
  UPBIT_REST_URL,
  UPBIT_WS_PATH,
  UPBIT_WS_URL,
  type UpbitSourceOptions,
} from './config.ts';
import { decodeUpbitFrame } from './decode.ts';
import { upbitSubscribeFrames, upbitUnsubscribeFrames } from './requests.ts';

/** The Upbit dialect for {@link WebSocketSource}. */
export const upbitDialect: VenueDialect = Object.freeze({
  exchange: 'upbit',
  defaultUrl: UPBIT_WS_URL,
  defaultRestUrl: UPBIT_REST_URL,
  connectUrl: (base: string) => `${base.replace(/\/+$/, '')}${UPBIT_WS_PATH}`,
  subscribeFrames: upbitSubscribeFrames,
  unsubscribeFrames: upbitUnsubscribeFrames,
  decode: decodeUpbitFrame,
  keepaliveFrame: 'PING',
  contiguousTradeIds: false,
  rateLimitCloseCodes: [],
  defaults: UPBIT_DEFAULTS,
  backfill: upbitBackfill,
});

/** An Upbit quotation source. */
export function createUpbitSource(options: UpbitSourceOptions = {}): WebSocketSource {
  return new WebSocketSource(upbitDialect, options);
}
