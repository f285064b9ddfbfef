/**
 * @module Admin operations on the zones this process hosts: snapshot now, list snapshots, restore
 * one (pause → swap → resume, players told), broadcast a notice, drain for a restart. The server's
 * admin routes call these; each works between ticks through the {@link ZoneHost} contract.
 */
import { silentLogger, type Logger } from '@tickline/kernel';
import type { ZoneHost } from '../loop/zone-host.ts';
import { GameSnapshotError } from '../snapshots/snapshot-errors.ts';
import type { SnapshotScheduler, TakeSnapshotResult } from '../snapshots/snapshot-scheduler.ts';
import type { SnapshotStore } from '../snapshots/snapshot-store.ts';
import { decodeZoneSnapshot, infoOf, SnapshotKind, type SnapshotInfo } from '../snapshots/stored-snapshot.ts';
import { Zone } from '../zone/zone.ts';

/** Time a drain leaves the zone ticking after telling players, so their leaves are applied. */
export const DEFAULT_DRAIN_SETTLE_MS = 250;

/** Options for {@link ZoneAdmin}. */
export interface ZoneAdminOptions {
  /** Takes the snapshots ("now", after a restore, before a restart) and tracks registered zones. */
  scheduler: SnapshotScheduler;
  hot: SnapshotStore;
  cold?: SnapshotStore;
  /** Stops a drained zone's runner and sessions (the wiring's part of a restart). */
  stopZone?: (zoneId: string) => Promise<void> | void;
  /** @default 250 */
  drainSettleMs?: number;
  /** @default silentLogger */
  logger?: Logger;
}

/** A hosted zone as the admin API shows it. */
export interface ZoneSummary {
  zoneId: string;
  tick: number;
  players: number;
  paused: boolean;
  draining: boolean;
}

/** A listed snapshot and the store holding it. */
export type ListedSnapshot = SnapshotInfo & { store: string };

/** What a restore did. */
export interface RestoreResult {
  /** The snapshot restored. */
  restored: SnapshotInfo;
  players: number;
  /** The snapshot of the restored state, so a crash right after recovers to it (not to before). */
  persisted: TakeSnapshotResult | undefined;
}

/** What a drain did. */
export interface DrainResult {
  /** Players connected when the drain began. */
  playersTold: number;
  /** The zone's last state, in the hot and cold stores. */
  finalSnapshot: TakeSnapshotResult | undefined;
}

/** Admin operations over the zones registered with it. */
export class ZoneAdmin {
  readonly #o: ZoneAdminOptions;
  readonly #logger: Logger;
  readonly #hosts = new Map<string, ZoneHost>();
  readonly #draining = new Set<string>();

  constructor(options: ZoneAdminOptions) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Makes a running zone administrable and snapshotted by the scheduler. */
  register(host: ZoneHost): void {
    this.#hosts.set(host.zoneId, host);
    this.#draining.delete(host.zoneId);
    this.#o.scheduler.add(host);
  }

  unregister(zoneId: string): void {
    this.#hosts.delete(zoneId);
    this.#o.scheduler.remove(zoneId);
  }

  zones(): ZoneSummary[] {
    return [...this.#hosts.values()].map((h) => ({
      zoneId: h.zoneId,
      tick: h.tick,
      players: h.playerCount,
      paused: h.paused,
      draining: this.#draining.has(h.zoneId),
    }));
  }

  /** Takes a snapshot now, to the hot and cold stores. */
  async snapshotNow(zoneId: string): Promise<TakeSnapshotResult> {
    this.#host(zoneId);
    const result = await this.#o.scheduler.takeNow(zoneId, SnapshotKind.Manual);
    if (!result) throw unknownZone(zoneId);
    if (result.stored.length === 0)
      throw new GameSnapshotError(
        'GAME_SNAPSHOT_STORE_UNAVAILABLE',
        `no store took the snapshot of ${zoneId}`,
        {
          cause: result.failed[0]?.error,
          details: { zoneId, failed: result.failed.map((f) => f.store) },
        },
      );
    return result;
  }

  /** The zone's snapshots in every store, newest first (a store that is down is left out). */
  async listSnapshots(zoneId: string, limit = 50): Promise<ListedSnapshot[]> {
    const out = new Map<string, ListedSnapshot>();
    for (const store of this.#stores()) {
      try {
        for (const info of await store.list(zoneId, { limit }))
          if (!out.has(info.id)) out.set(info.id, { ...info, store: store.name });
      } catch (error) {
        this.#logger.warn(
          { err: error, zone: zoneId, store: store.name },
          'listing snapshots: store unavailable',
        );
      }
    }
    return [...out.values()].sort((a, b) => b.takenAt - a.takenAt || (a.id < b.id ? 1 : -1)).slice(0, limit);
  }

  /**
   * Restores a snapshot: pauses the zone, swaps in the stored state, resumes, tells the players
   * and snapshots the result. The tick and the event seq never go back (clients keep stamping
   * commands with the current tick, and replay stays idempotent by seq).
   */
  async restore(zoneId: string, snapshotId: string): Promise<RestoreResult> {
    const host = this.#host(zoneId);
    this.#refuseDraining(zoneId);
    let stored;
    for (const store of this.#stores()) {
      stored = await store.get(snapshotId).catch(() => undefined);
      if (stored) break;
    }
    if (!stored || stored.zoneId !== zoneId)
      throw new GameSnapshotError('GAME_SNAPSHOT_NOT_FOUND', `zone ${zoneId} has no snapshot ${snapshotId}`, {
        details: { zoneId, snapshotId },
      });
    const state = decodeZoneSnapshot(stored.bytes);
    host.pause();
    try {
      const current = host.zone;
      const restored = Zone.restore(
        {
          ...state,
          tick: Math.max(state.tick, current.tick),
          lastEventSeq: Math.max(state.lastEventSeq, host.lastEventSeq, current.snapshot().lastEventSeq),
        },
        current.options,
      );
      host.replaceZone(restored);
    } finally {
      host.resume();
    }
    const persisted = await this.#o.scheduler.takeNow(zoneId, SnapshotKind.Manual);
    if (!persisted?.stored.length)
      this.#logger.warn(
        { zone: zoneId, snapshotId },
        'restored state could not be snapshotted: a crash now would recover the state before the restore',
      );
    host.notice('warn', `The zone was restored to its state of ${new Date(stored.takenAt).toISOString()}.`);
    this.#logger.info({ zone: zoneId, snapshotId, tick: stored.tick }, 'zone restored from snapshot');
    return { restored: infoOf(stored), players: host.playerCount, persisted };
  }

  /** Sends a notice to the players of one zone, or of every zone when `zoneId` is undefined. */
  broadcast(zoneId: string | undefined, level: 'info' | 'warn', text: string): number {
    const hosts = zoneId === undefined ? [...this.#hosts.values()] : [this.#host(zoneId)];
    for (const h of hosts) h.notice(level, text);
    return hosts.reduce((n, h) => n + h.playerCount, 0);
  }

  /**
   * Drains a zone for a restart: players are told and disconnected (they reconnect through the
   * coordinator), joins are refused, the final state is snapshotted, then the zone is stopped.
   */
  async drain(zoneId: string, message: string): Promise<DrainResult> {
    const host = this.#host(zoneId);
    this.#refuseDraining(zoneId);
    this.#draining.add(zoneId);
    const playersTold = host.playerCount;
    host.drain({ message, code: 'GAME_ZONE_DRAINING' });
    await new Promise((resolve) => setTimeout(resolve, this.#o.drainSettleMs ?? DEFAULT_DRAIN_SETTLE_MS));
    host.pause();
    const finalSnapshot = await this.#o.scheduler.takeNow(zoneId, SnapshotKind.Manual);
    this.unregister(zoneId);
    await this.#o.stopZone?.(zoneId);
    this.#logger.info({ zone: zoneId, players: playersTold }, 'zone drained');
    return { playersTold, finalSnapshot };
  }

  #stores(): SnapshotStore[] {
    return this.#o.cold ? [this.#o.hot, this.#o.cold] : [this.#o.hot];
  }

  #host(zoneId: string): ZoneHost {
    const host = this.#hosts.get(zoneId);
    if (!host) throw unknownZone(zoneId);
    return host;
  }

  #refuseDraining(zoneId: string): void {
    if (this.#draining.has(zoneId))
      throw new GameSnapshotError('GAME_ZONE_DRAINING', `zone ${zoneId} is draining`, {
        details: { zoneId },
      });
  }
}

function unknownZone(zoneId: string): GameSnapshotError {
  return new GameSnapshotError('GAME_ZONE_UNKNOWN', `zone ${zoneId} is not hosted here`, {
    details: { zoneId },
  });
}
