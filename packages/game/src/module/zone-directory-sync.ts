/**
 * @module Keeps a coordinator and the shared zone directory in step: every 250 ms (a kernel beat)
 * the local zones are written (with absolute addresses) and the other processes' zones are read
 * into the coordinator; zones that vanished or went stale are dropped from it.
 */
import type { ZoneCoordinator, ZoneEntry } from '../coordinator/zone-coordinator.ts';
import { createBeatService, type Logger, type ServiceContext } from '@tickline/kernel';
import type { ZoneDirectory } from './zone-directory.ts';
import { HeartbeatOutcome } from './zone-lease.ts';

/**
 * The directory heartbeat: game processes refresh their zones, coordinators read everyone's. A
 * quarter second keeps a failed-over zone's new address a quarter second from every coordinator,
 * for one HSET and one HGETALL per process per period.
 */
export const DEFAULT_DIRECTORY_SYNC_INTERVAL_MS = 250;
/** A failing Redis is logged at most this often: the beat keeps the last known zones meanwhile. */
const WARN_EVERY_MS = 10_000;

/** Options for {@link startZoneDirectorySync}. */
export interface ZoneDirectorySyncOptions {
  directory: ZoneDirectory;
  /** Where the other processes' entries go; none: only this process's are written (rooms). */
  coordinator?: ZoneCoordinator | undefined;
  /** This process's zones as others should see them (absolute addresses); none on a pure gateway. */
  local: () => ZoneEntry[];
  /** Names this process as the holder of its zones. @default 'coordinator' (a gateway publishes none) */
  owner?: string;
  /** Told the zones this process no longer holds (another took them over): stop them now. */
  lost?: (zoneIds: string[]) => void;
  /**
   * Told after each heartbeat, with `performance.now()` at its start and how it ended: answered
   * (written, or Redis away: play goes on without it; zones found lost are stopped right after),
   * or unanswered (failed or timed out: it may have run, and found them lost). The lease that
   * lets the zones tick (see zone-lease.ts).
   */
  renewed?: (startedAt: number, outcome: HeartbeatOutcome) => void;
  /** @default DEFAULT_DIRECTORY_SYNC_INTERVAL_MS */
  intervalMs?: number;
}

/** Starts syncing; `stop()` waits for a sync in flight, then takes this process's zones out. */
export async function startZoneDirectorySync(
  options: ZoneDirectorySyncOptions,
  context: ServiceContext,
): Promise<{ sync(): Promise<void>; stop(): Promise<void> }> {
  const { directory, coordinator } = options;
  /** Remote zones known to the coordinator, with the addresses they were registered under. */
  const remote = new Map<string, string>();
  let running: Promise<void> | undefined;
  let warnedAt = 0;
  async function syncOnce(logger: Logger): Promise<void> {
    const startedAt = performance.now();
    const local = options.local();
    const localIds = new Set(local.map((e) => e.zoneId));
    try {
      let lost: string[];
      try {
        lost = await directory.publish(options.owner ?? 'coordinator', local);
      } catch (error) {
        options.renewed?.(startedAt, HeartbeatOutcome.Unanswered);
        throw error;
      }
      options.renewed?.(startedAt, HeartbeatOutcome.Answered);
      if (lost.length > 0) {
        options.lost?.(lost);
        for (const zoneId of lost) localIds.delete(zoneId);
      }
      if (!coordinator) return;
      const seen = new Set<string>();
      for (const entry of await directory.read()) {
        if (localIds.has(entry.zoneId)) continue;
        seen.add(entry.zoneId);
        // A zone that moved (failover, hand-off) is registered again under its new address.
        const address = `${entry.tcp} ${entry.ws}`;
        if (remote.get(entry.zoneId) !== address) {
          coordinator.register(entry);
          remote.set(entry.zoneId, address);
        } else coordinator.report(entry.zoneId, entry.players, entry.draining);
      }
      for (const zoneId of [...remote.keys()]) {
        if (seen.has(zoneId)) continue;
        // A zone this process took over is local now: its registration is the local one.
        if (!localIds.has(zoneId)) coordinator.unregister(zoneId);
        remote.delete(zoneId);
      }
    } catch (error) {
      if (Date.now() - warnedAt > WARN_EVERY_MS) {
        warnedAt = Date.now();
        logger.warn({ err: error }, 'zone directory sync failed (keeping the last known zones)');
      }
    }
  }
  const sync = (): Promise<void> =>
    (running ??= syncOnce(context.logger).finally(() => (running = undefined)));
  const beat = createBeatService({
    name: 'game-zone-directory',
    intervalMs: options.intervalMs ?? DEFAULT_DIRECTORY_SYNC_INTERVAL_MS,
    beat: sync,
  });
  await beat.start(context);
  return {
    sync,
    async stop() {
      await beat.stop();
      await running;
      const local = options.local().map((e) => e.zoneId);
      await directory.remove(local).catch(() => {});
    },
  };
}
