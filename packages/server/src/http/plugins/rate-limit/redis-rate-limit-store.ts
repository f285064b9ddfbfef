/**
 * @module Rate limits in Redis (scaled mode: every gateway shares the budgets). One Lua script
 * per request does the GCRA step atomically on Redis's own clock, so gateways with skewed clocks
 * agree. Commands never queue while Redis is away and give up after `commandTimeoutMs`: the
 * limiter then lets the request through (fail open) rather than make it wait.
 */
import { createHash } from 'node:crypto';
import { silentLogger, withTimeout, type Logger } from '@tickline/kernel';
import { createClient } from 'redis';
import { decisionFrom, type GcraParams, type RateLimitDecision } from './gcra.ts';
import type { RateLimitStore } from './rate-limit-store.ts';

/** Longest pause between reconnection attempts. */
export const MAX_RECONNECT_DELAY_MS = 2_000;
export const DEFAULT_REDIS_CONNECT_TIMEOUT_MS = 2_000;
/** Commands sent but unanswered at most; past it new ones fail at once (a hung Redis). */
export const MAX_PENDING_COMMANDS = 10_000;

// ARGV: emission interval and tolerance in ms. Returns {allowed, slack-or-wait ms, reset ms} as
// strings: Redis would truncate Lua floats to integers.
const GCRA_SCRIPT = `
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now then tat = now end
local newTat = tat + interval
local allowAt = newTat - tolerance
if now < allowAt then
  return {0, string.format('%.3f', allowAt - now), string.format('%.3f', tat - now)}
end
redis.call('SET', KEYS[1], string.format('%.3f', newTat), 'PX', math.max(1, math.ceil(newTat - now)))
return {1, string.format('%.3f', now - allowAt), string.format('%.3f', newTat - now)}
`;
const GCRA_SHA = createHash('sha1').update(GCRA_SCRIPT).digest('hex');

/** Options for {@link createRedisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` */
  url: string;
  /** Prepended to every key. @default 'tickline:' */
  keyPrefix?: string;
  /** @default 250 */
  commandTimeoutMs?: number;
  /** @default 2_000 */
  connectTimeoutMs?: number;
  /** @default silentLogger */
  logger?: Logger;
}

export interface RedisRateLimitStore extends RateLimitStore {
  /** Whether the connection is up right now. */
  readonly connected: boolean;
  /** Resolves once connected (the store works before that: its calls fail and the limiter opens). */
  ready(): Promise<void>;
}

export function createRedisRateLimitStore(options: RedisRateLimitStoreOptions): RedisRateLimitStore {
  const logger = options.logger ?? silentLogger;
  const prefix = `${options.keyPrefix ?? 'tickline:'}ratelimit:`;
  const timeout = options.commandTimeoutMs ?? 250;
  const client = createClient({
    url: options.url,
    // Queued commands would hold requests for as long as Redis is away.
    disableOfflineQueue: true,
    commandsQueueMaxLength: MAX_PENDING_COMMANDS,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
    },
  });
  let lastErrorLogMs = 0;
  client.on('error', (error: Error) => {
    // Reconnection retries report every failed attempt; once per interval is enough in the log.
    const now = Date.now();
    if (now - lastErrorLogMs >= MAX_RECONNECT_DELAY_MS * 5) {
      lastErrorLogMs = now;
      logger.warn({ err: error }, 'redis connection error (rate limits fail open until it is back)');
    }
  });
  const connecting = client.connect().then(
    () => undefined,
    (error: unknown) => logger.warn({ err: error }, 'redis connect failed'),
  );

  async function run(key: string, params: GcraParams): Promise<[number, string, string]> {
    const args = ['1', prefix + key, String(params.emissionIntervalMs), String(params.toleranceMs)];
    try {
      return await withTimeout(client.sendCommand(['EVALSHA', GCRA_SHA, ...args]), timeout, 'redis command');
    } catch (error) {
      // First use on this server (or after a SCRIPT FLUSH): send the script itself once.
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return withTimeout(client.sendCommand(['EVAL', GCRA_SCRIPT, ...args]), timeout, 'redis command');
    }
  }

  return {
    kind: 'redis',
    get connected() {
      return client.isReady;
    },
    ready: async () => {
      await connecting;
      if (!client.isReady) await new Promise<void>((resolve) => client.once('ready', resolve));
    },
    async take(key: string, params: GcraParams): Promise<RateLimitDecision> {
      const [allowed, slackOrWait, reset] = await run(key, params);
      return decisionFrom(params, allowed === 1, Number(slackOrWait), Number(reset));
    },
    async close() {
      // Not awaiting `connecting`: with Redis away it only settles once a retry succeeds.
      // destroy, not quit: quit would wait for a reply that never comes while Redis is down.
      if (client.isOpen) client.destroy();
    },
  };
}
