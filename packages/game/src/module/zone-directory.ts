/**
 * @module Zones shared between processes through Redis: each game process writes its zones
 * (absolute addresses, load, draining) to one hash every second; processes that serve
 * `POST /game/join` read it into their coordinator. An entry not refreshed within `staleAfterMs`
 * is ignored, so a dead zone process stops receiving players within seconds. Redis being away
 * only freezes the directory: nothing here is on a tick or request path.
 */
import { silentLogger, withTimeout, type Logger } from '@tickline/kernel';
import type { ZoneEntry } from '../coordinator/zone-coordinator.ts';
import { createClient } from 'redis';

/** Entries older than this are left out of the choice. */
export const DEFAULT_ZONE_STALE_AFTER_MS = 5_000;
/** The hash disappears if no process refreshes it for this long. */
const DIRECTORY_TTL_MS = 60_000;
const RECONNECT_MAX_DELAY_MS = 2_000;

/** Options for {@link createRedisZoneDirectory}. */
export interface ZoneDirectoryOptions {
  url: string;
  /** @default 'tickline:' */
  keyPrefix?: string;
  /** @default 250 */
  commandTimeoutMs?: number;
  /** @default DEFAULT_ZONE_STALE_AFTER_MS */
  staleAfterMs?: number;
  /** @default silentLogger */
  logger?: Logger;
}

/** The shared zone list. */
export interface ZoneDirectory {
  /** Writes (or refreshes) these zones. */
  publish(entries: readonly ZoneEntry[]): Promise<void>;
  /** The zones refreshed within the stale bound. */
  read(): Promise<ZoneEntry[]>;
  /** Takes zones out at once (a graceful stop), instead of waiting for them to go stale. */
  remove(zoneIds: readonly string[]): Promise<void>;
  /** Zones whose process stopped refreshing them more than `silentForMs` ago (a failover's candidates). */
  orphans(silentForMs: number): Promise<ZoneEntry[]>;
  /**
   * Claims `zoneId` for `owner` for `ttlMs`; true for exactly one of the processes racing for it,
   * so an orphaned zone is taken over once.
   */
  claim(zoneId: string, owner: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export function createRedisZoneDirectory(options: ZoneDirectoryOptions): ZoneDirectory {
  const logger = options.logger ?? silentLogger;
  const key = `${options.keyPrefix ?? 'tickline:'}game:zones`;
  const timeoutMs = options.commandTimeoutMs ?? 250;
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_ZONE_STALE_AFTER_MS;
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, RECONNECT_MAX_DELAY_MS) },
  });
  let lastErrorLog = 0;
  client.on('error', (error: Error) => {
    if (Date.now() - lastErrorLog < 10_000) return;
    lastErrorLog = Date.now();
    logger.warn({ err: error }, 'redis error (the zone directory is frozen until it is back)');
  });
  client.connect().catch((error: unknown) => logger.warn({ err: error }, 'redis connect failed'));
  const timed = <T>(promise: Promise<T>): Promise<T> => withTimeout(promise, timeoutMs, 'redis command');
  return {
    async publish(entries) {
      if (entries.length === 0 || !client.isReady) return;
      const now = Date.now();
      const fields = Object.fromEntries(
        entries.map((e) => [e.zoneId, JSON.stringify({ ...e, updatedAt: now })]),
      );
      await timed(client.multi().hSet(key, fields).pExpire(key, DIRECTORY_TTL_MS).exec());
    },
    async read() {
      if (!client.isReady) return [];
      const all = await timed(client.hGetAll(key));
      const now = Date.now();
      const entries: ZoneEntry[] = [];
      for (const json of Object.values(all)) {
        const entry = parseEntry(json);
        if (entry && now - entry.updatedAt <= staleAfterMs) entries.push(entry);
      }
      return entries;
    },
    async orphans(silentForMs) {
      if (!client.isReady) return [];
      const all = await timed(client.hGetAll(key));
      const now = Date.now();
      return Object.values(all)
        .map((json) => parseEntry(json))
        .filter((e): e is ZoneEntry => e !== undefined && now - e.updatedAt > silentForMs);
    },
    async claim(zoneId, owner, ttlMs) {
      if (!client.isReady) return false;
      const result = await timed(client.set(`${key}:claim:${zoneId}`, owner, { NX: true, PX: ttlMs }));
      return result === 'OK';
    },
    async remove(zoneIds) {
      if (zoneIds.length === 0 || !client.isReady) return;
      await timed(client.hDel(key, [...zoneIds]));
    },
    async close() {
      if (client.isOpen) client.destroy();
    },
  };
}

/** A field of the hash; a foreign or corrupt one is skipped, not fatal. */
function parseEntry(json: string): ZoneEntry | undefined {
  try {
    const entry = JSON.parse(json) as ZoneEntry;
    return typeof entry.zoneId === 'string' && typeof entry.updatedAt === 'number' ? entry : undefined;
  } catch {
    return undefined;
  }
}
