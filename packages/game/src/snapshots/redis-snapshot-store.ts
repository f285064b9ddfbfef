/**
 * @module Hot snapshots in Redis (scaled mode): a zone restarted on another machine finds its
 * last second of state there. Each snapshot is a hash `{prefix}game:snapshot:{id}` (meta JSON +
 * MessagePack bytes) with a TTL; a sorted set per zone orders them by time taken. One Lua script
 * per put writes, indexes and trims atomically. Commands never queue while Redis is away and give
 * up after `commandTimeoutMs`: a put then fails fast and the scheduler counts it.
 */
import { createHash } from 'node:crypto';
import { silentLogger, withTimeout, type Logger } from '@tickline/kernel';
import { createClient, RESP_TYPES } from 'redis';
import { SnapshotStoreUnavailableError } from './snapshot-errors.ts';
import { DEFAULT_LIST_LIMIT, type SnapshotStore } from './snapshot-store.ts';
import { infoOf, type SnapshotInfo, type StoredSnapshot } from './stored-snapshot.ts';

export const DEFAULT_REDIS_SNAPSHOT_TTL_MS = 10 * 60_000;
export const DEFAULT_REDIS_SNAPSHOTS_PER_ZONE = 10;
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 250;
export const DEFAULT_REDIS_CONNECT_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 2_000;
/** Redis logs each failed reconnect; one warning per this interval is enough. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/** Options for {@link createRedisSnapshotStore}. */
export interface RedisSnapshotStoreOptions {
  /** `redis://[user:password@]host:port[/db]` */
  url: string;
  /** Prepended to every key. @default 'tickline:' */
  keyPrefix?: string;
  /** How long a snapshot lives (refreshed for the zone's index on every put). @default 600_000 (10 min) */
  ttlMs?: number;
  /** Newest snapshots kept per zone. @default 10 */
  maxPerZone?: number;
  /** @default 250 */
  commandTimeoutMs?: number;
  /** @default 2_000 */
  connectTimeoutMs?: number;
  /** @default silentLogger */
  logger?: Logger;
}

/** The Redis store, with its connection state. */
export interface RedisSnapshotStore extends SnapshotStore {
  readonly connected: boolean;
  /** Resolves once connected (calls before that fail fast). */
  ready(): Promise<void>;
}

// KEYS: snapshot hash, zone index. ARGV: ttl ms, score, id, keep, snapshot key prefix, meta, bytes.
// Trimmed snapshots are deleted here (standalone Redis: the keys are derived, not declared).
const PUT_SCRIPT = `
redis.call('HSET', KEYS[1], 'meta', ARGV[6], 'bytes', ARGV[7])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
local old = redis.call('ZRANGE', KEYS[2], 0, -(tonumber(ARGV[4]) + 1))
for _, id in ipairs(old) do redis.call('DEL', ARGV[5] .. id) end
if #old > 0 then redis.call('ZREM', KEYS[2], unpack(old)) end
return #old
`;
const PUT_SHA = createHash('sha1').update(PUT_SCRIPT).digest('hex');
const AS_BUFFERS = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } };

/**
 * Creates the Redis snapshot store and starts connecting (it works before the connection is up:
 * its calls fail fast until then).
 */
export function createRedisSnapshotStore(options: RedisSnapshotStoreOptions): RedisSnapshotStore {
  const logger = options.logger ?? silentLogger;
  const prefix = `${options.keyPrefix ?? 'tickline:'}game:`;
  const ttlMs = options.ttlMs ?? DEFAULT_REDIS_SNAPSHOT_TTL_MS;
  const keep = options.maxPerZone ?? DEFAULT_REDIS_SNAPSHOTS_PER_ZONE;
  const timeoutMs = options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS;
  const snapshotKey = (id: string) => `${prefix}snapshot:${id}`;
  const indexKey = (zoneId: string) => `${prefix}zone:${zoneId}:snapshots`;
  const client = createClient({
    url: options.url,
    // A queued put would hold a snapshot (and memory) for as long as Redis is away.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
    },
  });
  let lastErrorLogMs = 0;
  client.on('error', (error: Error) => {
    const now = Date.now();
    if (now - lastErrorLogMs < ERROR_LOG_INTERVAL_MS) return;
    lastErrorLogMs = now;
    logger.warn(
      { err: error },
      'redis snapshot store connection error (hot snapshots fail until it is back)',
    );
  });
  const connecting = client.connect().then(
    () => undefined,
    (error: unknown) => logger.warn({ err: error }, 'redis snapshot store connect failed'),
  );

  async function command<T>(args: string[] | Array<string | Buffer>, binary = false): Promise<T> {
    try {
      return await withTimeout(
        client.sendCommand<T>(args, binary ? AS_BUFFERS : undefined),
        timeoutMs,
        'redis command',
      );
    } catch (error) {
      throw new SnapshotStoreUnavailableError('redis', error);
    }
  }

  async function read(id: string): Promise<StoredSnapshot | undefined> {
    const [meta, bytes] = await command<[Buffer | null, Buffer | null]>(
      ['HMGET', snapshotKey(id), 'meta', 'bytes'],
      true,
    );
    if (!meta || !bytes) return undefined;
    const info = JSON.parse(meta.toString()) as SnapshotInfo;
    return { ...info, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  }

  return {
    name: 'redis',
    get connected() {
      return client.isReady;
    },
    ready: async () => {
      await connecting;
      if (!client.isReady) await new Promise<void>((resolve) => client.once('ready', resolve));
    },
    async put(snapshot) {
      const args = [
        '2',
        snapshotKey(snapshot.id),
        indexKey(snapshot.zoneId),
        String(ttlMs),
        String(snapshot.takenAt),
        snapshot.id,
        String(keep),
        snapshotKey(''),
        JSON.stringify(infoOf(snapshot)),
        Buffer.from(snapshot.bytes.buffer, snapshot.bytes.byteOffset, snapshot.bytes.byteLength),
      ];
      try {
        await command(['EVALSHA', PUT_SHA, ...args]);
      } catch (error) {
        // First use on this server (or after SCRIPT FLUSH): send the script itself once.
        if (!String((error as Error).cause).includes('NOSCRIPT')) throw error;
        await command(['EVAL', PUT_SCRIPT, ...args]);
      }
    },
    async latest(zoneId) {
      // Newest first; an entry whose hash expired before the index is skipped.
      for (const id of await command<string[]>(['ZRANGE', indexKey(zoneId), '0', '-1', 'REV'])) {
        const found = await read(id);
        if (found) return found;
      }
      return undefined;
    },
    async list(zoneId, listOptions = {}) {
      const limit = listOptions.limit ?? DEFAULT_LIST_LIMIT;
      const ids = await command<string[]>(['ZRANGE', indexKey(zoneId), '0', String(limit - 1), 'REV']);
      const metas = await Promise.all(
        ids.map((id) => command<string | null>(['HGET', snapshotKey(id), 'meta'])),
      );
      return metas.filter((m): m is string => m !== null).map((m) => JSON.parse(m) as SnapshotInfo);
    },
    get: read,
    async close() {
      // destroy, not quit: quit waits for a reply that never comes while Redis is down.
      if (client.isOpen) client.destroy();
    },
  };
}
