/**
 * @module The process's one Redis connection (scaled mode, `redis.url` set): session
 * versions, the sign-in throttle and the per-user stream count live there, so a revocation, a run
 * of failed sign-ins or a user's open streams count on every gateway. Commands never queue while Redis is away (they fail at once and
 * the callers fall back: the last known version, a per-process throttle), and the connection
 * retries in the background. Without Redis, versions are in SQL (they outlive a restart).
 */
import {
  cacheSessionVersions,
  createMemorySessionVersions,
  createRedisSessionVersions,
  createSqlSessionVersions,
  type SessionVersions,
  type SharedRedis,
} from '@tickline/identity';
import { ServiceStatus, withTimeout, type Clock, type Logger, type Service } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { createClient } from 'redis';
import type { RedisSettings } from '../http/plugins/rate-limit/configured-rate-limiter.ts';

const MAX_RECONNECT_DELAY_MS = 2_000;
const CONNECT_TIMEOUT_MS = 2_000;
/** How long a failed connection is quiet in the log before it warns again. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/** The connection as a service (closed on stop) and as identity takes it. */
export interface SharedRedisService extends Service {
  readonly redis: SharedRedis;
}

/** Connects in the background; callers work (falling back) before it is up. */
export function createSharedRedis(
  settings: RedisSettings & { url: string },
  logger: Logger,
): SharedRedisService {
  const client = createClient({
    url: settings.url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
    },
  });
  let lastErrorLog = 0;
  client.on('error', (error: Error) => {
    if (Date.now() - lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
    lastErrorLog = Date.now();
    logger.warn(
      { err: error },
      'redis error (session versions and sign-in throttling fall back to this process)',
    );
  });
  let state: ServiceStatus = ServiceStatus.Starting;
  return {
    name: 'redis',
    redis: { client, keyPrefix: settings.keyPrefix, commandTimeoutMs: settings.commandTimeoutMs },
    async start() {
      const connecting = client.connect();
      connecting.catch(() => {});
      // Waits a moment for the connection, never longer: without Redis the process still starts.
      await withTimeout(connecting, CONNECT_TIMEOUT_MS, 'redis connect').catch((error: unknown) =>
        logger.warn({ err: error }, 'redis not reachable yet; retrying in the background'),
      );
      state = ServiceStatus.Up;
    },
    async stop() {
      state = ServiceStatus.Stopping;
      // destroy, not quit: quit waits for a reply that never comes while Redis is down.
      if (client.isOpen) client.destroy();
      state = ServiceStatus.Stopped;
    },
    health: () =>
      state === ServiceStatus.Up && !client.isReady
        ? {
            status: ServiceStatus.Degraded,
            detail: 'redis disconnected: revocation and throttling are per process',
          }
        : { status: state },
  };
}

/**
 * The deployment's session versions: in Redis when it is configured, else in SQL (PGlite on the
 * embedded default), so a revocation outlives a restart; in memory only for a process without a
 * database. Not floored at the start time, so a restart does not sign everyone's open tabs and
 * players out.
 */
export function sessionVersionsFor(
  redis: SharedRedis | undefined,
  sql: Sql | undefined,
  clock: Clock,
): SessionVersions {
  if (redis)
    return createRedisSessionVersions({
      client: redis.client,
      keyPrefix: redis.keyPrefix,
      commandTimeoutMs: redis.commandTimeoutMs,
      clock,
    });
  return sql ? createSqlSessionVersions(sql, { clock }) : createMemorySessionVersions({ clock });
}

/** A revocation check for modules other than identity (game sessions), cached like identity's. */
export function sessionCheckFor(versions: SessionVersions, logger: Logger) {
  const cached = cacheSessionVersions(versions, { logger });
  return {
    isSessionCurrent: async (userId: string, version: number) => version >= (await cached.current(userId)),
  };
}
