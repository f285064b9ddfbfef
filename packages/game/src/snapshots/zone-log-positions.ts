/**
 * @module The log position each zone's snapshot is tagged with: one {@link LogPositionTracker} per
 * log zones publish to — the main log, or on a partitioned game log the partition of each zone —
 * so a snapshot's position is an offset in the zone's own log, named when that is a partition.
 */
import type { Logger } from '@tickline/kernel';
import type { ZoneLogs } from '../recovery/zone-logs.ts';
import { LogPositionTracker, type LogHeadSource } from './log-position.ts';

/** A zone's position: the offset, and the log's name unless it is the main log. */
export interface ZoneLogPosition {
  offset: number;
  log?: string | undefined;
}

/** Trackers by log, created as zones ask for them. */
export class ZoneLogPositions {
  readonly #logs: ZoneLogs | undefined;
  readonly #single: LogPositionTracker;
  readonly #byLog = new Map<unknown, { tracker: LogPositionTracker; name: string | undefined }>();
  readonly #logger: Logger | undefined;

  /** `logs` (a partitioned game log) wins over `log`; with neither every position is 0. */
  constructor(log: LogHeadSource | undefined, logs: ZoneLogs | undefined, logger?: Logger) {
    this.#logs = logs;
    this.#logger = logger;
    this.#single = new LogPositionTracker(logs ? undefined : log, logger);
  }

  #entry(zoneId: string) {
    if (!this.#logs) return { tracker: this.#single, name: undefined };
    const log = this.#logs.logFor(zoneId);
    let entry = this.#byLog.get(log);
    if (!entry) {
      const name = log === this.#logs.unpartitioned ? undefined : log.name;
      entry = { tracker: new LogPositionTracker(log, this.#logger), name };
      this.#byLog.set(log, entry);
    }
    return entry;
  }

  /** The last head read of `zoneId`'s log (0 before the first). */
  confirmed(zoneId: string): ZoneLogPosition {
    const { tracker, name } = this.#entry(zoneId);
    return { offset: tracker.confirmed, log: name };
  }

  /** Starts a head read of every log known (and of `zoneIds`' logs); resolves when all settle. */
  async refresh(zoneIds: Iterable<string> = []): Promise<void> {
    for (const zoneId of zoneIds) this.#entry(zoneId);
    if (!this.#logs) return this.#single.refresh();
    await Promise.all([...this.#byLog.values()].map(({ tracker }) => tracker.refresh()));
  }

  /** For health: the position of the main log, or each partition's by name. */
  summary(): number | Record<string, number> {
    if (!this.#logs) return this.#single.confirmed;
    return Object.fromEntries(
      [...this.#byLog.values()].map(({ tracker, name }) => [name ?? 'main', tracker.confirmed]),
    );
  }
}
