/**
 * @module The Redis `CacheStore` (scaled mode: every gateway shares it, the projections that write
 * SQL invalidate it). One round trip per call, each a Lua script: read = generation + entry,
 * write = SET PX, invalidate = INCR per series. The client is any node-redis client (the server's);
 * market depends on no Redis library. Every command is bounded by `commandTimeoutMs`, so a slow
 * Redis costs a request at most that before the cache falls back to SQL.
 */
import { withTimeout } from '@tickline/kernel';
import type { CacheRead, CacheStore } from './cache-store.ts';

/** What the store needs of a Redis client: node-redis's `sendCommand`. */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

/** Options for {@link createRedisCacheStore}. */
export interface RedisCacheStoreOptions {
  client: RedisCommandClient;
  /** Prefix of every key (config redis.keyPrefix). @default 'tickline:' */
  keyPrefix?: string;
  /** @default 250 (config redis.commandTimeoutMs) */
  commandTimeoutMs?: number;
}

// KEYS[1] = generation key; ARGV[1] = data key prefix, ARGV[2] = entry.
const READ = `local g = tonumber(redis.call('GET', KEYS[1]) or '0')
return {g, redis.call('GET', ARGV[1] .. g .. ':' .. ARGV[2])}`;
// KEYS[1] = generation key; ARGV = prefix, generation, entry, value, ttl ms. Only under the current generation.
const WRITE = `if tonumber(redis.call('GET', KEYS[1]) or '0') ~= tonumber(ARGV[2]) then return 0 end
redis.call('SET', ARGV[1] .. ARGV[2] .. ':' .. ARGV[3], ARGV[4], 'PX', ARGV[5])
return 1`;
const INVALIDATE = `for i, key in ipairs(KEYS) do redis.call('INCR', key) end
return #KEYS`;

/** A cache store in Redis. */
export function createRedisCacheStore(options: RedisCacheStoreOptions): CacheStore {
  const prefix = `${options.keyPrefix ?? 'tickline:'}market-cache:`;
  const timeoutMs = options.commandTimeoutMs ?? 250;
  const generationKey = (series: string) => `${prefix}gen:${series}`;
  const dataPrefix = (series: string) => `${prefix}data:${series}:`;
  const send = (args: string[]) => withTimeout(options.client.sendCommand(args), timeoutMs, 'redis cache command');
  return {
    name: 'redis',
    async read(series, entry): Promise<CacheRead> {
      const [generation, value] = (await send(['EVAL', READ, '1', generationKey(series), dataPrefix(series), entry])) as [number, string | null];
      return { generation: Number(generation), value: value ?? undefined };
    },
    async write(series, generation, entry, value, ttlMs) {
      await send(['EVAL', WRITE, '1', generationKey(series), dataPrefix(series), String(generation), entry, value, String(Math.max(1, Math.round(ttlMs)))]);
    },
    async invalidate(series) {
      const keys = [...new Set(series)].map(generationKey);
      if (keys.length > 0) await send(['EVAL', INVALIDATE, String(keys.length), ...keys]);
    },
  };
}
