/** @module Snapshots in process memory: the hot store in embedded mode (and the tests' store). */
import { DEFAULT_LIST_LIMIT, type ListSnapshotsOptions, type SnapshotStore } from './snapshot-store.ts';
import { infoOf, type SnapshotInfo, type StoredSnapshot } from './stored-snapshot.ts';

/** Snapshots kept per zone by the memory store unless told otherwise. */
export const DEFAULT_MEMORY_SNAPSHOTS_PER_ZONE = 10;

/** Options for {@link createMemorySnapshotStore}. */
export interface MemorySnapshotStoreOptions {
  /** Newest snapshots kept per zone; older ones are dropped on put. @default 10 */
  maxPerZone?: number;
}

/**
 * A snapshot store in memory. It dies with the process, so it covers restarts of a zone inside a
 * process (admin restore, a zone that failed and is rebuilt), not a crash of the process.
 */
export function createMemorySnapshotStore(options: MemorySnapshotStoreOptions = {}): SnapshotStore {
  const maxPerZone = options.maxPerZone ?? DEFAULT_MEMORY_SNAPSHOTS_PER_ZONE;
  if (!(maxPerZone >= 1)) throw new RangeError('maxPerZone must be at least 1');
  /** Oldest first. */
  const byZone = new Map<string, StoredSnapshot[]>();
  const byId = new Map<string, StoredSnapshot>();
  return {
    name: 'memory',
    put(snapshot) {
      const list = byZone.get(snapshot.zoneId) ?? [];
      byZone.set(snapshot.zoneId, list);
      const previous = byId.get(snapshot.id);
      if (previous) list.splice(list.indexOf(previous), 1);
      list.push(snapshot);
      byId.set(snapshot.id, snapshot);
      for (const dropped of list.splice(0, Math.max(0, list.length - maxPerZone))) byId.delete(dropped.id);
      return Promise.resolve();
    },
    latest(zoneId) {
      return Promise.resolve(byZone.get(zoneId)?.at(-1));
    },
    list(zoneId, listOptions: ListSnapshotsOptions = {}) {
      const limit = listOptions.limit ?? DEFAULT_LIST_LIMIT;
      const list = byZone.get(zoneId) ?? [];
      const out: SnapshotInfo[] = [];
      for (let i = list.length - 1; i >= 0 && out.length < limit; i--) out.push(infoOf(list[i]!));
      return Promise.resolve(out);
    },
    get(id) {
      return Promise.resolve(byId.get(id));
    },
    close() {
      return Promise.resolve();
    },
  };
}
