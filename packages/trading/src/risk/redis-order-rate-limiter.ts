/**
 * @module Orders per minute shared through Redis (every strategy process, and every gateway's
 * manual orders, count against one window per portfolio): a sorted set of order ids scored by
 * time; one Lua script drops what left the window, counts and adds atomically. When Redis does not
 * answer, the process's own count stands in (a limit held per process beats none) and the failure
 * is reported. The client is structural (`sendCommand`): node-redis fits.
 */
import { randomUUID } from 'node:crypto';
import { withTimeout } from '@tickline/kernel';
import {
  InMemoryOrderRateLimiter,
  type OrderRateDecision,
  type OrderRateLimiter,
} from './order-rate-limiter.ts';
import { ORDER_RATE_WINDOW_MS } from './risk-limits.ts';

/** What the limiter needs of a Redis client. */
export interface OrderRateRedisClient {
  sendCommand(args: string[]): Promise<unknown>;
}

/** Options of {@link createRedisOrderRateLimiter}. */
export interface RedisOrderRateLimiterOptions {
  client: OrderRateRedisClient;
  /** @default 'tickline:' */
  keyPrefix?: string;
  /** @default 250 */
  commandTimeoutMs?: number;
  /** @default ORDER_RATE_WINDOW_MS (60 s) */
  windowMs?: number;
  /** Redis did not answer (the process's own count was used). @default ignored */
  onError?: (error: unknown) => void;
}

// KEYS: the portfolio's set. ARGV: now, window ms, limit, order id. Returns {taken, count before}.
// Scores are the caller's clock (strategy processes keep theirs in sync with NTP, as the candles do).
const TAKE_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
local n = redis.call('ZCARD', KEYS[1])
if n >= tonumber(ARGV[3]) then return {0, n} end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, n}
`;

/** See the module comment. */
export function createRedisOrderRateLimiter(options: RedisOrderRateLimiterOptions): OrderRateLimiter {
  const prefix = `${options.keyPrefix ?? 'tickline:'}strategy:order-rate:`;
  const timeoutMs = options.commandTimeoutMs ?? 250;
  const windowMs = options.windowMs ?? ORDER_RATE_WINDOW_MS;
  const fallback = new InMemoryOrderRateLimiter(windowMs);
  return {
    async take(portfolioId: string, limit: number, now: number): Promise<OrderRateDecision> {
      const args = [String(now), String(windowMs), String(limit), `${now}-${randomUUID()}`];
      try {
        const answer = (await withTimeout(
          options.client.sendCommand(['EVAL', TAKE_SCRIPT, '1', prefix + portfolioId, ...args]),
          timeoutMs,
          'redis order rate',
        )) as [number, number];
        return { allowed: Number(answer[0]) === 1, recent: Number(answer[1]) };
      } catch (error) {
        options.onError?.(error);
        return fallback.take(portfolioId, limit, now);
      }
    },
  };
}
