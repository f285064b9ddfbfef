/**
 * @module Config of the Binance spot venue adapter. Off by default: live trading needs an explicit
 * `enabled: true`, and the default base URL is Binance's spot test network, so even a switched-on
 * adapter trades test funds until production is named on purpose. Endpoints and limits are from
 * the public spot API docs (developers.binance.com/docs/binance-spot-api-docs/rest-api).
 */
import { z } from 'zod';

/** The spot test network (keys from testnet.binance.vision; balances are play money). */
export const BINANCE_SPOT_TESTNET_URL = 'https://testnet.binance.vision';
/** Production spot REST. */
export const BINANCE_SPOT_URL = 'https://api.binance.com';
/** Binance's default receive window; it refuses anything above 60 s. */
export const DEFAULT_RECV_WINDOW_MS = 5_000;
export const MAX_RECV_WINDOW_MS = 60_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
// Server-time drift is slow; resyncing every ten minutes costs one weight-1 request.
export const DEFAULT_TIME_SYNC_INTERVAL_MS = 10 * 60_000;

export const BinanceSpotConfigSchema = z.strictObject({
  enabled: z
    .boolean()
    .default(false)
    .describe(
      'Allow live orders on Binance spot. Off: asking for the adapter fails with STRATEGY_BROKER_LIVE_DISABLED.',
    ),
  baseUrl: z
    .url()
    .default(BINANCE_SPOT_TESTNET_URL)
    .describe(
      `REST base URL: ${BINANCE_SPOT_TESTNET_URL} (test network, default) or ${BINANCE_SPOT_URL} (real money).`,
    ),
  recvWindowMs: z
    .int()
    .min(1)
    .max(MAX_RECV_WINDOW_MS)
    .default(DEFAULT_RECV_WINDOW_MS)
    .describe('How long after its timestamp a signed request stays valid at the venue (≤ 60000).'),
  requestTimeoutMs: z
    .int()
    .positive()
    .default(DEFAULT_REQUEST_TIMEOUT_MS)
    .describe(
      'Give up waiting for a REST answer after this long (an order request then has an unknown outcome).',
    ),
  timeSyncIntervalMs: z
    .int()
    .positive()
    .default(DEFAULT_TIME_SYNC_INTERVAL_MS)
    .describe('Re-measure the offset to the venue clock (GET /api/v3/time) this often.'),
  lookupBeforePlace: z
    .boolean()
    .default(true)
    .describe(
      'Look the client order id up before placing: Binance only refuses a duplicate id while the first order is open, so without this a filled order could be placed again.',
    ),
});
export type BinanceSpotConfig = z.output<typeof BinanceSpotConfigSchema>;

/** API credentials of one Binance account (kept sealed at rest, see credentials.ts). */
export interface BinanceCredentials {
  apiKey: string;
  apiSecret: string;
}
