/**
 * @module Session versions in Redis, shared by every gateway (scaled mode). A key per user holds
 * the version; it expires after `ttlMs` (longer than any access token, stream ticket or stream
 * lives), since a version only has to outlive what it revokes. Structural client, as the
 * throttle's: node-redis's `createClient()` fits.
 */
import { systemClock, withTimeout, type Clock } from '@tickline/kernel';
import type { RedisCommandClient } from '../throttle/redis-sign-in-throttle.ts';
import type { SessionVersions } from './session-versions.ts';

export interface RedisSessionVersionsOptions {
  client: RedisCommandClient;
  /** @default 'tickline:' */
  keyPrefix?: string;
  /** How long a bumped version is kept. @default 86_400_000 (one day) */
  ttlMs?: number;
  /** @default 250 */
  commandTimeoutMs?: number;
  /** @default systemClock */
  clock?: Clock;
}

export const DEFAULT_SESSION_VERSION_TTL_MS = 24 * 60 * 60 * 1000;

// KEYS: the user's key. ARGV: now, ttl. The same rule as nextVersion(): max(now, current + 1).
const BUMP_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local next = math.max(tonumber(ARGV[1]), current + 1)
redis.call('SET', KEYS[1], next, 'PX', ARGV[2])
return next
`;

export function createRedisSessionVersions(options: RedisSessionVersionsOptions): SessionVersions {
  const prefix = `${options.keyPrefix ?? 'tickline:'}identity:session-version:`;
  const ttlMs = options.ttlMs ?? DEFAULT_SESSION_VERSION_TTL_MS;
  const timeoutMs = options.commandTimeoutMs ?? 250;
  const clock = options.clock ?? systemClock;
  const run = (args: string[]) =>
    withTimeout(options.client.sendCommand(args), timeoutMs, 'redis session version');
  return {
    async current(userId) {
      return Number((await run(['GET', prefix + userId])) ?? 0);
    },
    async bump(userId) {
      return Number(
        await run(['EVAL', BUMP_SCRIPT, '1', prefix + userId, String(clock.now()), String(ttlMs)]),
      );
    },
  };
}
