/**
 * @module The sign-in throttle in Redis, shared by every gateway (scaled mode): one sorted set per
 * key, scored by attempt time. One Lua script checks every key and counts the attempt in all of
 * them atomically, so gateways cannot race each other past a limit. Keys expire with their window;
 * nothing is evicted to make room, so spraying other accounts cannot clear a target's counter.
 * While Redis is unreachable the gateway throttles alone with an in-memory throttle (an outage
 * must not open the door to unlimited guessing, nor lock everyone out).
 *
 * The client is structural (`sendCommand`): node-redis's `createClient()` fits, and identity
 * stays free of a Redis dependency.
 */
import { randomBytes } from 'node:crypto';
import { silentLogger, systemClock, withTimeout, type Clock, type Logger } from '@tickline/kernel';
import { createMemorySignInThrottle } from './memory-sign-in-throttle.ts';
import type { SignInThrottle, ThrottleDecision, ThrottleKey } from './sign-in-throttle.ts';

/** What the adapter needs of a Redis client. */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

export interface RedisSignInThrottleOptions {
  client: RedisCommandClient;
  /** Prepended to every key. @default 'tickline:' */
  keyPrefix?: string;
  /** A command slower than this counts as Redis being away. @default 250 */
  commandTimeoutMs?: number;
  /** @default systemClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
}

export const DEFAULT_THROTTLE_COMMAND_TIMEOUT_MS = 250;

// KEYS: the throttle keys. ARGV: now, member, then per key: maxFailures, windowMs.
// Returns 0 when counted, else the wait in ms.
const TAKE_SCRIPT = `
local now = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local max = tonumber(ARGV[1 + i * 2])
  local window = tonumber(ARGV[2 + i * 2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= max then
    local blocking = redis.call('ZRANGE', key, count - max, count - max, 'WITHSCORES')
    wait = math.max(wait, tonumber(blocking[2]) + window - now)
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('PEXPIRE', key, tonumber(ARGV[2 + i * 2]))
end
return 0
`;

// KEYS: keys to take one attempt back from, then keys to clear. ARGV: how many of the first kind.
const FORGIVE_SCRIPT = `
local n = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  if i <= n then redis.call('ZPOPMAX', key) else redis.call('DEL', key) end
end
return 0
`;

export function createRedisSignInThrottle(options: RedisSignInThrottleOptions): SignInThrottle {
  const prefix = `${options.keyPrefix ?? 'tickline:'}identity:throttle:`;
  const timeoutMs = options.commandTimeoutMs ?? DEFAULT_THROTTLE_COMMAND_TIMEOUT_MS;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const fallback = createMemorySignInThrottle({ clock });
  let warnedAt = Number.NEGATIVE_INFINITY;

  const run = (args: string[]) => withTimeout(options.client.sendCommand(args), timeoutMs, 'redis throttle');
  function unavailable(error: unknown): void {
    if (clock.now() - warnedAt < 10_000) return;
    warnedAt = clock.now();
    logger.warn({ err: error }, 'sign-in throttle: Redis unavailable, throttling in this process only');
  }

  return {
    async take(keys: readonly ThrottleKey[]): Promise<ThrottleDecision> {
      const member = `${clock.now()}:${randomBytes(6).toString('hex')}`;
      const args = ['EVAL', TAKE_SCRIPT, String(keys.length), ...keys.map((k) => prefix + k.key)];
      args.push(String(clock.now()), member);
      for (const key of keys) args.push(String(key.maxFailures), String(key.windowMs));
      try {
        const wait = Number(await run(args));
        return wait > 0 ? { allowed: false, retryAfterMs: wait } : { allowed: true };
      } catch (error) {
        unavailable(error);
        return fallback.take(keys);
      }
    },
    async forgive(keys, clear = []) {
      const names = [...keys, ...clear].map((k) => prefix + k.key);
      try {
        await run(['EVAL', FORGIVE_SCRIPT, String(names.length), ...names, String(keys.length)]);
      } catch (error) {
        unavailable(error);
        await fallback.forgive(keys, clear);
      }
    },
  };
}
