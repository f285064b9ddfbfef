/**
 * @module Snapshots, recovery and admin for the zones of one process, as one service the server's
 * wiring composes: `recover()` builds each zone at start (hot → cold → log), `track()` makes a
 * running zone snapshotted and administrable, `admin` serves the admin routes.
 *
 * Order at start: start the publisher and let it re-send its spill journal (`flush()`) before
 * `recover()`, when the log is up — events spilled before a crash would otherwise reach the log
 * after the replay, and a zone recovered from an older snapshot would reuse their seqs.
 *
 * @example
 * const persistence = createZonePersistence({ hot, cold, log, metrics });
 * await persistence.start(context);
 * const zone = await persistence.recover(zoneOptions);
 * const runner = new ZoneRunner({ zone, events: publisher, metrics });
 * persistence.track(runner);
 * runner.start();
 */
import type { EventLog } from '@tickline/eventlog';
import {
  silentLogger,
  type Clock,
  type Logger,
  type Registry,
  type Service,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';
import { ZoneAdmin } from '../admin/zone-admin.ts';
import type { ZoneHost } from '../loop/zone-host.ts';
import { SnapshotScheduler } from '../snapshots/snapshot-scheduler.ts';
import type { SnapshotStore } from '../snapshots/snapshot-store.ts';
import type { ZoneOptions } from '../zone/zone-config.ts';
import type { Zone } from '../zone/zone.ts';
import { recoverZone, type RecoveryResult } from './recover-zone.ts';
import type { ZoneLogs } from './zone-logs.ts';

/** Options for {@link createZonePersistence}. */
export interface ZonePersistenceOptions {
  /** Memory or file in embedded mode, Redis when configured. */
  hot: SnapshotStore;
  /** SQL. */
  cold?: SnapshotStore;
  /** The log zone events are published to (positions for snapshots, replay on recovery). */
  log?: EventLog;
  /** Where zones' events are when the game log is partitioned; wins over `log`. */
  logs?: ZoneLogs;
  metrics: Registry;
  /** @default 1_000 */
  hotIntervalMs?: number;
  /** @default 60_000 */
  coldIntervalMs?: number;
  /** Stops a drained zone (runner and sessions). */
  stopZone?: (zoneId: string) => Promise<void> | void;
  /** @default systemClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
}

/** The service. */
export interface ZonePersistence extends Service {
  readonly scheduler: SnapshotScheduler;
  readonly admin: ZoneAdmin;
  /** Rebuilds a zone from the newest state it can find (an empty zone the very first time). */
  recover(options: ZoneOptions): Promise<Zone>;
  /** Snapshots a running zone on the schedule and makes it administrable. */
  track(host: ZoneHost): void;
  /** How each zone came back at this start, for health and the admin API. */
  recoveries(): ReadonlyMap<string, Omit<RecoveryResult, 'zone'>>;
}

/** Creates the zones' persistence service (stores and log are the caller's to open and close). */
export function createZonePersistence(options: ZonePersistenceOptions): ZonePersistence {
  const logger = options.logger ?? silentLogger;
  const scheduler = new SnapshotScheduler({ ...options, logger });
  const admin = new ZoneAdmin({ ...options, scheduler, logger });
  const recoveries = new Map<string, Omit<RecoveryResult, 'zone'>>();
  return {
    name: 'game-persistence',
    scheduler,
    admin,
    async recover(zoneOptions) {
      const { zone, ...report } = await recoverZone({
        zone: zoneOptions,
        hot: options.hot,
        ...(options.cold && { cold: options.cold }),
        ...(options.log && { log: options.log }),
        ...(options.logs && { logs: options.logs }),
        metrics: options.metrics,
        logger,
      });
      recoveries.set(zoneOptions.zoneId, report);
      return zone;
    },
    track(host) {
      admin.register(host);
    },
    recoveries: () => recoveries,
    start: (context: ServiceContext) => scheduler.start(context),
    stop: () => scheduler.stop(),
    health(): ServiceHealth {
      const h = scheduler.health();
      const recovered = Object.fromEntries(
        [...recoveries].map(([zoneId, r]) => [zoneId, { source: r.source, ms: Math.round(r.durationMs) }]),
      );
      return { ...h, info: { ...h.info, recovered } };
    },
  };
}
