/**
 * @module The snapshot scheduler: every `hotIntervalMs` a snapshot of each zone to the hot store,
 * every `coldIntervalMs` to the cold store. The state is copied synchronously between ticks (the
 * timer runs on the zone's event loop, never inside a step: cheap, ~1 object per player); encoding
 * and the write happen afterwards, asynchronously. A store that fails or hangs never reaches the
 * tick: the write is counted as failed, a write still running makes the next one for that store
 * and zone skip, and the next interval tries again.
 */
import {
  createBeatService,
  ServiceStatus,
  silentLogger,
  systemClock,
  type Clock,
  type Logger,
  type Registry,
  type Service,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';
import type { Zone } from '../zone/zone.ts';
import type { LogHeadSource } from './log-position.ts';
import type { ZoneLogs } from '../recovery/zone-logs.ts';
import { ZoneLogPositions, type ZoneLogPosition } from './zone-log-positions.ts';
import { createSnapshotMetrics, SnapshotWriteResult, type SnapshotMetrics } from './snapshot-metrics.ts';
import type { SnapshotStore } from './snapshot-store.ts';
import {
  captureZone,
  infoOf,
  SnapshotKind,
  toStoredState,
  type CapturedState,
  type SnapshotInfo,
} from './stored-snapshot.ts';
import { COLD_SNAPSHOT_INTERVAL_MS, HOT_SNAPSHOT_INTERVAL_MS } from '../config.ts';

export const DEFAULT_HOT_SNAPSHOT_INTERVAL_MS = HOT_SNAPSHOT_INTERVAL_MS;
export const DEFAULT_COLD_SNAPSHOT_INTERVAL_MS = COLD_SNAPSHOT_INTERVAL_MS;
/** Longest `start()` and `takeNow()` wait for a fresh log head before using the last one read. */
export const LOG_HEAD_WAIT_MS = 1_000;
/** Longest `stop()` waits for writes in flight (a hung store must not hold a shutdown). */
export const STOP_WAIT_MS = 5_000;

/** What the scheduler needs of a running zone (a `ZoneHost` fits). Read between ticks only. */
export interface ZoneSnapshotSource {
  readonly zoneId: string;
  /** The live zone (a host may swap it on restore, so it is read on every snapshot). */
  readonly zone: Zone;
  /** False while this process may not write the zone (its lease lapsed): no scheduled snapshot. */
  readonly leased?: boolean;
}

/** Anything else snapshotted on the zones' schedule and stores (a rules room): it copies itself. */
export interface StateSnapshotSource {
  /** The key in the stores. */
  readonly zoneId: string;
  /** Copies the state now (between ticks); encoded after a yield. */
  capture(): CapturedState;
  readonly leased?: boolean;
  /**
   * The `zone` label of its age and size metrics: rooms come and go by the thousand, so they
   * share one series (`rooms`) instead of one each.
   */
  readonly metricsLabel: string;
}

export type SnapshotSource = ZoneSnapshotSource | StateSnapshotSource;

const captureOf = (source: SnapshotSource): CapturedState =>
  'capture' in source ? source.capture() : captureZone(source.zone.snapshot());
const labelOf = (source: SnapshotSource): string =>
  'capture' in source ? source.metricsLabel : source.zoneId;

/** Options for {@link SnapshotScheduler}. */
export interface SnapshotSchedulerOptions {
  /** The hot store: memory in embedded mode, Redis when configured. */
  hot: SnapshotStore;
  /** The cold store (SQL); without one, no cold snapshots. */
  cold?: SnapshotStore;
  /** The zones' event log, for the position each snapshot covers. Without it: 0 (replay from the start). */
  log?: LogHeadSource;
  /** Where each zone logs on a partitioned game log (wins over `log`): positions per partition. */
  logs?: ZoneLogs;
  /** @default 1_000 */
  hotIntervalMs?: number;
  /** @default 60_000 */
  coldIntervalMs?: number;
  metrics: Registry;
  /** @default systemClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
}

/** What {@link SnapshotScheduler.takeNow} stored and where it failed. */
export interface TakeSnapshotResult {
  snapshot: SnapshotInfo;
  stored: string[];
  failed: Array<{ store: string; error: unknown }>;
}

interface Tracked {
  source: SnapshotSource;
  /** Stores with a write in flight for this zone. */
  busy: Set<SnapshotStore>;
  lastOk: Map<string, number>;
}

/** Takes and stores the zones' snapshots on a schedule and on demand. */
export class SnapshotScheduler implements Service {
  readonly name = 'game-snapshots';
  readonly #hot: SnapshotStore;
  readonly #cold: SnapshotStore | undefined;
  readonly #clock: Clock;
  readonly #metrics: SnapshotMetrics;
  readonly #position: ZoneLogPositions;
  readonly #hotIntervalMs: number;
  readonly #coldIntervalMs: number;
  readonly #zones = new Map<string, Tracked>();
  /** The hot (and cold) snapshot beats while started. */
  readonly #beats: Service[] = [];
  readonly #inFlight = new Set<Promise<unknown>>();
  #logger: Logger;
  readonly #failing = new Set<string>();
  #running = false;

  constructor(options: SnapshotSchedulerOptions) {
    this.#hot = options.hot;
    this.#cold = options.cold;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#metrics = createSnapshotMetrics(options.metrics);
    this.#position = new ZoneLogPositions(options.log, options.logs, this.#logger);
    this.#hotIntervalMs = options.hotIntervalMs ?? DEFAULT_HOT_SNAPSHOT_INTERVAL_MS;
    this.#coldIntervalMs = options.coldIntervalMs ?? DEFAULT_COLD_SNAPSHOT_INTERVAL_MS;
    if (!(this.#hotIntervalMs > 0) || !(this.#coldIntervalMs > 0))
      throw new RangeError('snapshot intervals must be positive');
  }

  /** Starts snapshotting `source` (replacing a source with the same zone id). */
  add(source: SnapshotSource): void {
    const previous = this.#zones.get(source.zoneId);
    this.#zones.set(source.zoneId, { source, busy: previous?.busy ?? new Set(), lastOk: new Map() });
  }

  /** Stops snapshotting a zone (its stored snapshots stay). */
  remove(zoneId: string): void {
    this.#zones.delete(zoneId);
  }

  async start(context: ServiceContext): Promise<void> {
    this.#logger = context.logger;
    await within(this.#position.refresh(this.#zones.keys()), LOG_HEAD_WAIT_MS);
    this.#running = true;
    // A round is not awaited by its beat: a zone still writing is skipped by the round itself
    // (per zone and kind), so one slow zone never holds back the others' snapshots.
    const every = async (kind: typeof SnapshotKind.Hot | typeof SnapshotKind.Cold, intervalMs: number) => {
      const beat = createBeatService({
        name: `game-${kind}-snapshots`,
        intervalMs,
        beat: async () => void this.runRound(kind),
      });
      await beat.start(context);
      this.#beats.push(beat);
    };
    await every(SnapshotKind.Hot, this.#hotIntervalMs);
    if (this.#cold) await every(SnapshotKind.Cold, this.#coldIntervalMs);
  }

  /** Stops the timers and waits (at most `STOP_WAIT_MS`) for writes in flight. */
  async stop(): Promise<void> {
    this.#running = false;
    for (const beat of this.#beats.splice(0)) await beat.stop();
    await within(Promise.allSettled([...this.#inFlight]), STOP_WAIT_MS);
  }

  /**
   * Degraded from a store's failed write until one of its writes works again. Judged by the time
   * since the last failure (two hot intervals), a store down throughout read as up between two of
   * its failures whenever the next one came late: a busy machine's late timer, or a write waiting
   * out its command timeout.
   */
  health(): ServiceHealth {
    const info = { zones: this.#zones.size, logPosition: this.#position.summary() };
    if (!this.#running) return { status: ServiceStatus.Stopped, info };
    if (this.#failing.size > 0 && this.#zones.size > 0) {
      const detail = `snapshot store ${[...this.#failing].join(', ')} is failing`;
      return { status: ServiceStatus.Degraded, detail, info };
    }
    return { status: ServiceStatus.Up, info };
  }

  /**
   * Snapshots every zone to the store of `kind` (hot or cold). The timers call it; tests drive it.
   * Resolves when the writes settle; never rejects.
   */
  async runRound(kind: typeof SnapshotKind.Hot | typeof SnapshotKind.Cold): Promise<void> {
    const store = kind === SnapshotKind.Hot ? this.#hot : this.#cold;
    if (!store) return;
    // Positions as read before this round; a refresh runs for the next (see log-position.ts).
    const positions = new Map(
      [...this.#zones.keys()].map((zoneId) => [zoneId, this.#position.confirmed(zoneId)]),
    );
    void this.#position.refresh(this.#zones.keys());
    const now = this.#clock.now();
    const writes: Array<Promise<unknown>> = [];
    for (const tracked of this.#zones.values()) {
      const last = tracked.lastOk.get(kind);
      if (last !== undefined) this.#metrics.age(labelOf(tracked.source), kind, (now - last) / 1000);
      // A process that stalled must not write its old state over the new holder's.
      if (tracked.source.leased === false) continue;
      if (tracked.busy.has(store)) {
        this.#metrics.write(store.name, kind, SnapshotWriteResult.Skipped);
        continue;
      }
      writes.push(
        this.#write(tracked, [store], kind, positions.get(tracked.source.zoneId)!).catch(() => undefined),
      );
    }
    await Promise.all(writes);
  }

  /**
   * Takes a snapshot of `zoneId` now and writes it to the hot and cold stores (an admin
   * "snapshot now", or the last state before a drain).
   * @default kind 'manual'
   */
  async takeNow(
    zoneId: string,
    kind: SnapshotKind = SnapshotKind.Manual,
  ): Promise<TakeSnapshotResult | undefined> {
    const tracked = this.#zones.get(zoneId);
    if (!tracked) return undefined;
    const stores = this.#cold ? [this.#hot, this.#cold] : [this.#hot];
    // A fresher position shortens a later replay; a log that is away must not hold the operator.
    await within(this.#position.refresh([zoneId]), LOG_HEAD_WAIT_MS);
    return this.#write(tracked, stores, kind, this.#position.confirmed(zoneId));
  }

  /** Copies the state now (synchronously, between ticks); encodes and writes after a yield. */
  #write(tracked: Tracked, stores: SnapshotStore[], kind: SnapshotKind, position: ZoneLogPosition) {
    const state = captureOf(tracked.source);
    const takenAt = this.#clock.now();
    for (const s of stores) tracked.busy.add(s);
    const work = (async (): Promise<TakeSnapshotResult> => {
      try {
        // Let a tick that is due run before the encoding.
        await new Promise((resolve) => setImmediate(resolve));
        const started = performance.now();
        const stored = toStoredState(state, {
          kind,
          logPosition: position.offset,
          logName: position.log,
          takenAt,
        });
        this.#metrics.bytes(labelOf(tracked.source), stored.size);
        const result: TakeSnapshotResult = { snapshot: infoOf(stored), stored: [], failed: [] };
        await Promise.all(
          stores.map(async (store) => {
            try {
              await store.put(stored);
              result.stored.push(store.name);
              tracked.lastOk.set(store === this.#hot ? SnapshotKind.Hot : SnapshotKind.Cold, takenAt);
              this.#metrics.write(store.name, kind, SnapshotWriteResult.Ok);
              this.#metrics.writeSeconds(store.name, (performance.now() - started) / 1000);
              if (this.#failing.delete(store.name))
                this.#logger.info({ store: store.name }, 'zone snapshot writes work again');
            } catch (error) {
              result.failed.push({ store: store.name, error });
              this.#metrics.write(store.name, kind, SnapshotWriteResult.Failed);
              // Once per outage in the log; the counter has every failure.
              if (!this.#failing.has(store.name)) {
                this.#failing.add(store.name);
                this.#logger.warn(
                  { err: error, zone: state.zoneId, store: store.name },
                  'zone snapshot write failed',
                );
              }
            }
          }),
        );
        return result;
      } finally {
        for (const s of stores) tracked.busy.delete(s);
      }
    })();
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
    return work;
  }
}

/** Resolves when `promise` settles or after `ms`, whichever comes first (never rejects). */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    bound,
  ]);
  clearTimeout(timer);
}
