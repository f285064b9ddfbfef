/**
 * @module A log split into N partitions by key: each partition is a log of its own (a JetStream
 * stream, an embedded directory), and a key's records all go to the partition {@link partitionIndex}
 * names, so their order holds there. Readers that need every key read every partition; a reader
 * of one key reads one.
 */
import type { EventLog } from '../port/event-log.ts';
import { partitionIndex } from './partition-index.ts';

/** The partitions of one log, in index order. */
export interface PartitionedLog {
  /** The partitions; index = partition. */
  readonly logs: readonly EventLog[];
  /** The partition `key`'s records go to. */
  logFor(key: string): EventLog;
  /**
   * A partition of a larger count used before (named as its snapshot positions name it), when it
   * still exists; undefined otherwise. Readers finish what a retired partition holds.
   */
  retired(name: string): Promise<EventLog | undefined>;
}

/** {@link PartitionedLog} over open `logs`; `retired` opens an older partition by name. */
export function partitionedLog(
  logs: readonly EventLog[],
  retired: (name: string) => Promise<EventLog | undefined> = async () => undefined,
): PartitionedLog {
  if (logs.length === 0) throw new RangeError('a partitioned log needs at least one partition');
  return {
    logs,
    logFor: (key) => logs[partitionIndex(key, logs.length)]!,
    retired: async (name) => logs.find((log) => log.name === name) ?? retired(name),
  };
}
