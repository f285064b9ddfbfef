/**
 * @module Where a zone's events are: the log its events go to now — on a partitioned game log the
 * partition its zone id hashes to — and the logs snapshots taken before a layout change point
 * into. A snapshot records its position with the log's name (`<log>@<offset>`) whenever the zone
 * logs somewhere other than the unpartitioned log, so recovery reads the right log after the
 * partition count changed: the snapshot's log after its position, then the zone's new partition.
 */
import type { EventLog, PartitionedLog } from '@tickline/eventlog';

/** What replay and snapshot positions need of a log. */
export type ZoneLog = Pick<EventLog, 'name' | 'read' | 'head'>;

/** The logs zones publish to and recover from. */
export interface ZoneLogs {
  /** The log zone `zoneId` publishes to now. */
  logFor(zoneId: string): ZoneLog;
  /**
   * The log a snapshot names, when it is not a zone's current one (taken under another partition
   * count); undefined when that log no longer exists.
   */
  named(name: string): Promise<ZoneLog | undefined>;
  /** The log of positions recorded without a name (one log for every zone, as before partitions). */
  readonly unpartitioned: ZoneLog | undefined;
}

/** Every zone in one log (the embedded default, or NATS without game partitions). */
export function singleZoneLog(log: ZoneLog): ZoneLogs {
  return {
    logFor: () => log,
    named: async (name) => (name === log.name ? log : undefined),
    unpartitioned: log,
  };
}

/**
 * Zones over a partitioned game log: each zone in the partition its id hashes to; positions
 * recorded without a name are in `unpartitioned` (the main log, where zone events went before).
 */
export function partitionedZoneLogs(partitions: PartitionedLog, unpartitioned: ZoneLog): ZoneLogs {
  return {
    logFor: (zoneId) => partitions.logFor(zoneId),
    named: async (name) => (name === unpartitioned.name ? unpartitioned : partitions.retired(name)),
    unpartitioned,
  };
}

/** A snapshot's position: in `log` (unnamed: the unpartitioned log) after `offset`. */
export interface LogPosition {
  log?: string | undefined;
  offset: number;
}

const SEPARATOR = '@';

/** How a snapshot stores a position (`lastLogPosition`): the bare offset in the unpartitioned log. */
export function formatLogPosition(position: LogPosition): string {
  return position.log === undefined
    ? String(position.offset)
    : `${position.log}${SEPARATOR}${position.offset}`;
}

/** Reads back {@link formatLogPosition}; `fallback` for a snapshot without one. */
export function parseLogPosition(text: string | null, fallback: number): LogPosition {
  if (text === null) return { offset: fallback };
  const at = text.lastIndexOf(SEPARATOR);
  if (at < 0) return { offset: Number(text) || fallback };
  return { log: text.slice(0, at), offset: Number(text.slice(at + 1)) || 0 };
}

/** Where a zone's replay reads, in order: each log after its offset. */
export async function replayPlan(
  logs: ZoneLogs,
  zoneId: string,
  from: LogPosition | undefined,
): Promise<Array<{ log: ZoneLog; after: number }>> {
  const current = logs.logFor(zoneId);
  // No snapshot: the zone's whole current log (a zone started before partitions has snapshots).
  if (!from) return [{ log: current, after: 0 }];
  const at =
    from.log === undefined
      ? logs.unpartitioned
      : from.log === current.name
        ? current
        : await logs.named(from.log);
  if (at === current) return [{ log: current, after: from.offset }];
  // The layout changed since the snapshot: what followed it there, then the zone's new partition
  // (from its start: seqs already applied are skipped).
  return [...(at ? [{ log: at, after: from.offset }] : []), { log: current, after: 0 }];
}
