/**
 * @module Defaults of the domain packages that the config schema shows, copied here so that every
 * `tickline` command does not load identity and realtime (argon2, jose, openid-client, ws: ~0.4 s)
 * just to print its help. `domain-defaults.test.ts` fails when a copy drifts from its package.
 */

/** identity `DEFAULT_ACCESS_TOKEN_TTL_MS` */
export const ACCESS_TOKEN_TTL_MS = 15 * 60 * 1000;
/** identity `DEFAULT_REFRESH_TOKEN_TTL_MS` */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** identity `TIERS` */
export const TIER_NAMES = ['free', 'premium', 'enterprise'] as const;
export type TierName = (typeof TIER_NAMES)[number];
/** identity `DEFAULT_TIER_LIMITS` */
export const TIER_LIMITS = {
  free: {
    requestsPerMinute: 60,
    burst: 20,
    maxApiKeys: 2,
    maxStreamConnections: 3,
    maxStrategies: 3,
    backtestsPerDay: 10,
  },
  premium: {
    requestsPerMinute: 600,
    burst: 100,
    maxApiKeys: 10,
    maxStreamConnections: 20,
    maxStrategies: 50,
    backtestsPerDay: 500,
  },
  enterprise: {
    requestsPerMinute: 6_000,
    burst: 1_000,
    maxApiKeys: 100,
    maxStreamConnections: 200,
    maxStrategies: 1_000,
    backtestsPerDay: 10_000,
  },
} as const;
export type TierLimitName = keyof (typeof TIER_LIMITS)['free'];

/** realtime `DEFAULT_STREAM_TICKET_TTL_MS` */
export const STREAM_TICKET_TTL_MS = 60_000;
/** realtime `DEFAULT_KEEP_ALIVE_MS` */
export const KEEP_ALIVE_MS = 25_000;
/** realtime `DEFAULT_PING_INTERVAL_MS` */
export const PING_INTERVAL_MS = 25_000;
/** realtime `DEFAULT_HISTORY_MAX_EVENTS` */
export const HISTORY_MAX_EVENTS = 1_000;
/** realtime `DEFAULT_HISTORY_MAX_AGE_MS` */
export const HISTORY_MAX_AGE_MS = 5 * 60_000;
/** realtime `DEFAULT_MAX_BUFFERED_BYTES` */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** realtime `MIN_MAX_BUFFERED_BYTES` (a socket's high-water mark) */
export const MIN_BUFFERED_BYTES = 64 * 1024;
/** realtime `DEFAULT_MAX_CHANNELS_PER_CONNECTION` */
export const MAX_CHANNELS_PER_CONNECTION = 64;
/** realtime `DEFAULT_MAX_CONNECTIONS` */
export const MAX_CONNECTIONS = 50_000;
/** realtime `DEFAULT_MAX_CONNECTION_AGE_MS` */
export const MAX_CONNECTION_AGE_MS = 60 * 60_000;
