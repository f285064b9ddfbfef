/**
 * @module Zone failover between game processes. Every game process watches the shared zone
 * directory; a zone whose process stopped refreshing it for `failoverAfterMs` (killed, hung, cut
 * off) is acquired in Redis by exactly one of the survivors (its epoch goes up, which fences the
 * former holder), which recovers it from its hot snapshot (then the log) and runs it. A zone
 * handed off on purpose is an orphan at once, for every process but the one that let it go. Players reconnecting through the coordinator are sent to
 * the new address and resume their sessions there (the recovered zone keeps their places).
 */
import { createBeatService, type Logger, type ServiceContext } from '@tickline/kernel';
import type { ZoneEntry } from '../coordinator/zone-coordinator.ts';
import type { ZoneDirectory } from './zone-directory.ts';

/** How often orphaned zones are looked for. */
export const DEFAULT_FAILOVER_CHECK_INTERVAL_MS = 250;
/**
 * A survivor that took a zone and died before running it holds it this long; then another may.
 * Longer than any recovery, so a slow one is not raced.
 */
const ADOPTION_STALE_AFTER_MS = 30_000;

/** Options for {@link startZoneFailover}. */
export interface ZoneFailoverOptions {
  directory: ZoneDirectory;
  /** Names this process in claims. */
  owner: string;
  /** The zones this process hosts now (never adopted again). */
  local: () => readonly string[];
  /** Recovers and runs `zoneId` here, holding it at `epoch`; `entry`: the orphan as the directory had it. */
  adopt: (zoneId: string, epoch: number, entry: ZoneEntry) => Promise<void>;
  /** Silence after which a zone is taken over. */
  failoverAfterMs: number;
  /**
   * False while this process may take nothing over: it is stopping and handing its own zones
   * off, and a zone it took now would run here and on its holder until its stop ends.
   * @default () => true
   */
  adopting?: () => boolean;
  /** @default DEFAULT_FAILOVER_CHECK_INTERVAL_MS */
  intervalMs?: number;
  logger: Logger;
}

/** Starts watching (a kernel beat); `stop()` waits for an adoption in flight. */
export async function startZoneFailover(
  options: ZoneFailoverOptions,
  context: ServiceContext,
): Promise<{ check(): Promise<void>; stop(): Promise<void> }> {
  const { directory, logger } = options;
  let running: Promise<void> | undefined;
  let stopped = false;
  let warnedAt = 0;
  const staleAfterMs = Math.max(ADOPTION_STALE_AFTER_MS, options.failoverAfterMs);
  /**
   * Zones taken here whose recovery failed (a store slow under load): the claim keeps every peer
   * off for `staleAfterMs`, so this process tries again on each check while it holds them, rather
   * than leaving players with nowhere to resume until the claim goes stale.
   */
  const failed = new Map<string, { epoch: number; takenAt: number; entry: ZoneEntry }>();
  async function adopt(zoneId: string, epoch: number, takenAt: number, entry: ZoneEntry): Promise<void> {
    const started = Date.now();
    try {
      await options.adopt(zoneId, epoch, entry);
      failed.delete(zoneId);
      logger.info({ zone: zoneId, recoverMs: Date.now() - started }, 'zone taken over');
    } catch (error) {
      const retry = Date.now() - takenAt < staleAfterMs;
      if (retry) failed.set(zoneId, { epoch, takenAt, entry });
      else failed.delete(zoneId);
      logger.warn({ err: error, zone: zoneId, retry }, 'zone take-over failed');
    }
  }
  async function check(): Promise<void> {
    try {
      for (const [zoneId, { epoch, takenAt, entry }] of failed)
        if (!stopped) await adopt(zoneId, epoch, takenAt, entry);
      if (options.adopting?.() === false) return;
      const local = new Set(options.local());
      for (const orphan of await directory.orphans(options.failoverAfterMs)) {
        if (stopped || options.adopting?.() === false) return;
        if (local.has(orphan.zoneId) || failed.has(orphan.zoneId)) continue;
        if (orphan.handoffFrom === options.owner) continue;
        const epoch = await directory.acquire(orphan.zoneId, options.owner, {
          expectedEpoch: orphan.epoch ?? 0,
          staleAfterMs,
        });
        if (epoch === undefined) continue;
        const silentMs = Date.now() - orphan.updatedAt;
        logger.warn(
          { zone: orphan.zoneId, silentMs, was: orphan.ws ?? orphan.tcp },
          orphan.handoffFrom ? 'taking over a zone handed off' : 'taking over an orphaned zone',
        );
        await adopt(orphan.zoneId, epoch, Date.now(), orphan);
      }
    } catch (error) {
      if (Date.now() - warnedAt > 10_000) {
        warnedAt = Date.now();
        logger.warn({ err: error }, 'zone failover check failed');
      }
    }
  }
  const beat = createBeatService({
    name: 'game-zone-failover',
    intervalMs: options.intervalMs ?? DEFAULT_FAILOVER_CHECK_INTERVAL_MS,
    beat: () => (running ??= check().finally(() => (running = undefined))),
  });
  await beat.start(context);
  return {
    check,
    async stop() {
      stopped = true;
      await beat.stop();
      await running;
    },
  };
}
