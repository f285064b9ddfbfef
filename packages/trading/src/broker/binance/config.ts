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
/** The test network's WebSocket API (user-data stream subscriptions). */
export const BINANCE_WS_API_TESTNET_URL = 'wss://ws-api.testnet.binance.vision/ws-api/v3';
/** Production WebSocket API. */
export const BINANCE_WS_API_URL = 'wss://ws-api.binance.com:443/ws-api/v3';
/** Binance's default receive window; it refuses anything above 60 s. */
export const DEFAULT_RECV_WINDOW_MS = 5_000;
export const MAX_RECV_WINDOW_MS = 60_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
// Server-time drift is slow; resyncing every ten minutes costs one weight-1 request.
export const DEFAULT_TIME_SYNC_INTERVAL_MS = 10 * 60_000;
/** First wait before the user-data stream reconnects; it doubles up to the maximum. */
export const DEFAULT_STREAM_RECONNECT_MS = 500;
export const MAX_STREAM_RECONNECT_MS = 30_000;

/** How a key's permissions are read when a portfolio is bound to it. */
export const KeyPermissionsCheck = {
  /** `GET /sapi/v1/account/apiRestrictions`: the key's own rights, withdrawals included. */
  ApiRestrictions: 'api-restrictions',
  /** `GET /api/v3/account` (`canTrade`): the Spot Test Network, which serves no `/sapi` endpoint. */
  Account: 'account',
} as const;
export type KeyPermissionsCheck = (typeof KeyPermissionsCheck)[keyof typeof KeyPermissionsCheck];

export const BinanceSpotConfigSchema = z
  .strictObject({
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
  wsApiUrl: z
    .url()
    .default(BINANCE_WS_API_TESTNET_URL)
    .describe(
      `WebSocket API URL the user-data stream subscribes on (fills and order updates): ${BINANCE_WS_API_TESTNET_URL} (test network, default) or ${BINANCE_WS_API_URL}.`,
    ),
  walletBaseUrl: z
    .url()
    .optional()
    .describe(
      "Base URL of the wallet endpoint that reports an API key's permissions (GET /sapi/v1/account/apiRestrictions). Default: baseUrl.",
    ),
  keyPermissions: z
    .enum([KeyPermissionsCheck.ApiRestrictions, KeyPermissionsCheck.Account])
    .default(KeyPermissionsCheck.ApiRestrictions)
    .describe(
      "How a key is checked when a portfolio is bound to it: api-restrictions refuses a key that can withdraw or cannot trade spot; account reads only canTrade (GET /api/v3/account) and is allowed on the Spot Test Network only, which serves no /sapi endpoint and holds play money.",
    ),
  streamReconnectMs: z
    .int()
    .min(10)
    .max(MAX_STREAM_RECONNECT_MS)
    .default(DEFAULT_STREAM_RECONNECT_MS)
    .describe(
      `First wait before the user-data stream reconnects after it dropped; it doubles up to ${MAX_STREAM_RECONNECT_MS} ms.`,
    ),
})
  // A check that cannot see withdrawal rights must never guard real money.
  .refine((c) => c.keyPermissions !== KeyPermissionsCheck.Account || c.baseUrl === BINANCE_SPOT_TESTNET_URL, {
    message: `keyPermissions account is allowed only with baseUrl ${BINANCE_SPOT_TESTNET_URL} (it cannot see whether a key can withdraw)`,
    path: ['keyPermissions'],
  });
export type BinanceSpotConfig = z.output<typeof BinanceSpotConfigSchema>;

/** API credentials of one Binance account (kept sealed at rest, see credentials.ts). */
export interface BinanceCredentials {
  apiKey: string;
  apiSecret: string;
}
