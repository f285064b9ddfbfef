/**
 * @module Zones shared between processes through Redis: each game process writes its zones
 * (absolute addresses, load, draining) to one hash every second; processes that serve
 * `POST /game/join` read it into their coordinator. An entry not refreshed within `staleAfterMs`
 * is ignored, so a dead zone process stops receiving players within seconds. Redis being away
 * only freezes the directory: nothing here is on a tick or request path.
 *
 * Ownership: each zone has an owner and an epoch in a second hash. A process takes a zone with
 * `acquire` (the epoch goes up), and its heartbeat writes only zones it still holds at its epoch;
 * the rest come back as lost (see zone-directory-scripts.ts), which is how a process that stalled
 * past its failover learns to stop.
 */
import { silentLogger, withTimeout, type Logger } from '@tickline/kernel';
import type { ZoneEntry } from '../coordinator/zone-coordinator.ts';
import { createClient } from 'redis';
import { ACQUIRE_SCRIPT, HEARTBEAT_SCRIPT, RELEASE_SCRIPT } from './zone-directory-scripts.ts';

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
  /**
   * What the directory holds: `zones`, or `rooms` (rules rooms, owned and taken over like zones
   * but never offered to a coordinator's zone choice). Its hashes are `{prefix}game:{name}`.
   * @default 'zones'
   */
  name?: 'zones' | 'rooms';
}

/** How {@link ZoneDirectory.acquire} may take a zone. */
export interface AcquireOptions {
  /** The epoch seen on an orphan: taking it succeeds for the first process only. -1: none. */
  expectedEpoch: number;
  /** A holder silent this long no longer counts. */
  staleAfterMs: number;
}

/** The shared zone list. */
export interface ZoneDirectory {
  /**
   * Writes (or refreshes) these zones of `owner`; an entry with an `epoch` is written only while
   * `owner` holds the zone at that epoch. Returns the zones it no longer holds.
   */
  publish(owner: string, entries: readonly ZoneEntry[]): Promise<string[]>;
  /** Takes `zoneId` for `owner`: its new epoch, or undefined when another process holds it. */
  acquire(zoneId: string, owner: string, options: AcquireOptions): Promise<number | undefined>;
  /**
   * Lets `entry`'s zone go to a peer (hand-off): it shows as an orphan at once, marked as handed
   * off by `owner`. False when `owner` no longer held it at `epoch`.
   */
  release(entry: ZoneEntry, owner: string, epoch: number): Promise<boolean>;
  /** Waits (at most `timeoutMs`) for the connection; false when Redis is not there. */
  ready(timeoutMs: number): Promise<boolean>;
  /** The zones refreshed within the stale bound. */
  read(): Promise<ZoneEntry[]>;
  /** Takes zones and their ownership out at once (a graceful stop), instead of waiting for them to go stale. */
  remove(zoneIds: readonly string[]): Promise<void>;
  /** Zones whose process stopped refreshing them more than `silentForMs` ago (a failover's candidates). */
  orphans(silentForMs: number): Promise<ZoneEntry[]>;
  close(): Promise<void>;
}

export function createRedisZoneDirectory(options: ZoneDirectoryOptions): ZoneDirectory {
  const logger = options.logger ?? silentLogger;
  const key = `${options.keyPrefix ?? 'tickline:'}game:${options.name ?? 'zones'}`;
  const keys = [key, `${key}:owners`];
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
    async publish(owner, entries) {
      if (entries.length === 0 || !client.isReady) return [];
      const now = Date.now();
      const args = [owner, String(now), String(DIRECTORY_TTL_MS)];
      for (const e of entries)
        args.push(
          e.zoneId,
          e.epoch === undefined ? '' : String(e.epoch),
          JSON.stringify({ ...e, owner, updatedAt: now }),
        );
      const lost = await timed(client.eval(HEARTBEAT_SCRIPT, { keys, arguments: args }));
      return Array.isArray(lost) ? lost.map(String) : [];
    },
    async acquire(zoneId, owner, { expectedEpoch, staleAfterMs }) {
      if (!client.isReady) throw new Error('redis is not connected');
      const args = [zoneId, owner, String(expectedEpoch), String(staleAfterMs), String(Date.now())];
      const epoch = Number(await timed(client.eval(ACQUIRE_SCRIPT, { keys, arguments: args })));
      return epoch > 0 ? epoch : undefined;
    },
    async release(entry, owner, epoch) {
      if (!client.isReady) return false;
      const json = JSON.stringify({ ...entry, owner, epoch, updatedAt: 0, handoffFrom: owner });
      const args = [entry.zoneId, owner, String(epoch), json];
      return Number(await timed(client.eval(RELEASE_SCRIPT, { keys, arguments: args }))) === 1;
    },
    async ready(timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (!client.isReady && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25));
      return client.isReady;
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
    async remove(zoneIds) {
      if (zoneIds.length === 0 || !client.isReady) return;
      // Ownership goes too: a process started next with these zones takes them at once.
      await timed(
        client
          .multi()
          .hDel(key, [...zoneIds])
          .hDel(keys[1]!, [...zoneIds])
          .exec(),
      );
    },
    async close() {
      if (client.isOpen) client.destroy();
    },
  };
}

/** How often {@link acquireWhenAnswered} tries again while Redis does not answer. */
export const ACQUIRE_RETRY_MS = 1_000;

/**
 * Takes `zoneId` for `owner`, again every `retryMs` while Redis does not answer (away, or a take
 * that timed out on a busy machine: it may have landed, and taking a zone this owner holds
 * succeeds), for as long as `wanted()`. The epoch; undefined when a live peer holds the zone;
 * 'abandoned' once it is no longer wanted.
 */
export async function acquireWhenAnswered(
  directory: Pick<ZoneDirectory, 'acquire'>,
  zoneId: string,
  owner: string,
  options: AcquireOptions,
  wanted: () => boolean,
  retryMs = ACQUIRE_RETRY_MS,
): Promise<number | undefined | 'abandoned'> {
  while (wanted()) {
    try {
      return await directory.acquire(zoneId, owner, options);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }
  return 'abandoned';
}

/** How many times {@link releaseZone} sends a release that failed or timed out. */
export const RELEASE_ATTEMPTS = 5;

/**
 * Lets `entry`'s zone go (a hand-off), sending the release again while it fails: on a busy
 * machine a release that timed out may have run or not, and sending it again is safe — it
 * answers true again while nobody took the zone, false once a peer has (the zone is gone either
 * way). Throws the last error when no attempt was answered.
 */
export async function releaseZone(
  directory: Pick<ZoneDirectory, 'release'>,
  entry: ZoneEntry,
  owner: string,
  epoch: number,
  attempts = RELEASE_ATTEMPTS,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await directory.release(entry, owner, epoch);
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
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
