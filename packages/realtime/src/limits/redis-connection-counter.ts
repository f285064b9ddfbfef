/**
 * @module Stream connections per user in Redis: a sorted set per user of lease ids scored by
 * expiry. One Lua script drops lapsed leases, counts and adds atomically, so two gateways cannot
 * both take the last slot. The client is structural (`sendCommand`): node-redis fits.
 */
import { systemClock, withTimeout, type Clock } from '@tickline/kernel';
import { DEFAULT_CONNECTION_LEASE_MS, type ConnectionCounter } from './connection-counter.ts';

export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

export interface RedisConnectionCounterOptions {
  client: RedisCommandClient;
  /** @default 'tickline:' */
  keyPrefix?: string;
  /** @default 60_000 */
  leaseMs?: number;
  /** @default 250 */
  commandTimeoutMs?: number;
  /** @default systemClock */
  clock?: Clock;
}

// KEYS: the user's set. ARGV: now, expiry, max, lease id, lease ms. 1 = acquired. Scores are the
// caller's clock; the key's own TTL is relative, so it holds whatever that clock says.
const ACQUIRE_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`;

// KEYS: sets. ARGV: expiry, lease ms, then one lease id per key. Renews only leases still present.
const RENEW_SCRIPT = `
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', ARGV[1], ARGV[i + 2])
  redis.call('PEXPIRE', key, ARGV[2])
end
return 0
`;

export function createRedisConnectionCounter(options: RedisConnectionCounterOptions): ConnectionCounter {
  const prefix = `${options.keyPrefix ?? 'tickline:'}realtime:connections:`;
  const leaseMs = options.leaseMs ?? DEFAULT_CONNECTION_LEASE_MS;
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.commandTimeoutMs ?? 250;
  const run = (args: string[]) => withTimeout(options.client.sendCommand(args), timeoutMs, 'redis connection counter');
  return {
    async acquire(lease, max) {
      const now = clock.now();
      const args = [String(now), String(now + leaseMs), String(max), lease.id, String(leaseMs)];
      return Number(await run(['EVAL', ACQUIRE_SCRIPT, '1', prefix + lease.key, ...args])) === 1;
    },
    async renew(leases) {
      if (leases.length === 0) return;
      const keys = leases.map((l) => prefix + l.key);
      await run(['EVAL', RENEW_SCRIPT, String(keys.length), ...keys, String(clock.now() + leaseMs), String(leaseMs), ...leases.map((l) => l.id)]);
    },
    async release(lease) {
      await run(['ZREM', prefix + lease.key, lease.id]);
    },
  };
}
