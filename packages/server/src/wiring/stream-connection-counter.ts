/**
 * @module Where stream connections per user are counted: in Redis when `redis.url` is set, so the
 * tier's `maxStreamConnections` holds across every gateway; otherwise undefined, and the gateway
 * counts in memory (one process holds every stream on the embedded default).
 */
import { ServiceStatus, type Logger, type Service } from '@tickline/kernel';
import { createRedisConnectionCounter, type ConnectionCounter } from '@tickline/realtime';
import { createClient } from 'redis';
import type { ResolvedConfig } from '../config/load.ts';
import {
  DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
  MAX_RECONNECT_DELAY_MS,
} from '../http/plugins/rate-limit/redis-rate-limit-store.ts';

/** The counter and the service that owns its connection. */
export interface StreamConnectionCounter {
  readonly counter: ConnectionCounter;
  readonly service: Service;
}

/** The Redis-backed counter, or undefined without `redis.url`. */
export function createStreamConnectionCounter(
  config: Pick<ResolvedConfig, 'redis'>,
  logger: Logger,
): StreamConnectionCounter | undefined {
  const { url, keyPrefix, commandTimeoutMs } = config.redis;
  if (url === undefined) return undefined;
  const client = createClient({
    url,
    // A stream admission must not wait for Redis to come back: it fails, and the gateway admits.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
    },
  });
  let lastErrorLogMs = 0;
  client.on('error', (error: Error) => {
    const now = Date.now();
    if (now - lastErrorLogMs < MAX_RECONNECT_DELAY_MS * 5) return;
    lastErrorLogMs = now;
    logger.warn({ err: error }, 'redis error (stream limits are not enforced until it is back)');
  });
  let state: ServiceStatus = ServiceStatus.Starting;
  return {
    counter: createRedisConnectionCounter({ client, keyPrefix, commandTimeoutMs }),
    service: {
      name: 'stream-connection-counter',
      async start() {
        client.connect().catch((error: unknown) => logger.warn({ err: error }, 'redis connect failed'));
        state = ServiceStatus.Up;
      },
      async stop() {
        state = ServiceStatus.Stopping;
        if (client.isOpen) client.destroy();
        state = ServiceStatus.Stopped;
      },
      health: () =>
        state === ServiceStatus.Up && !client.isReady
          ? { status: ServiceStatus.Degraded, detail: 'redis disconnected: stream limits not enforced' }
          : { status: state },
    },
  };
}
