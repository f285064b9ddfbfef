/**
 * @module The SnapshotStore port: where zone snapshots are kept. Adapters: memory (embedded hot),
 * Redis (hot when configured), SQL (cold, table `game_snapshots`). The contract suite in
 * `snapshot-store-contract.ts` runs against each.
 */
import type { SnapshotInfo, StoredSnapshot } from './stored-snapshot.ts';

/** Options for {@link SnapshotStore.list}. */
export interface ListSnapshotsOptions {
  /** Most snapshots to return. @default 50 */
  limit?: number;
}

/** Default page size of {@link SnapshotStore.list}. */
export const DEFAULT_LIST_LIMIT = 50;

/**
 * The port. "Latest" means the last one put for the zone (not the highest tick: a restore of an
 * older snapshot is followed by a new snapshot with a lower tick, and that one must win).
 * Adapters fail fast (never wait for a server that is away) with `GAME_SNAPSHOT_STORE_UNAVAILABLE`.
 */
export interface SnapshotStore {
  /** `memory`, `redis` or `sql`, for metrics and logs. */
  readonly name: string;
  /** Stores a snapshot; the store may drop the zone's oldest ones past its retention. */
  put(snapshot: StoredSnapshot): Promise<void>;
  /** The zone's most recently put snapshot that is still kept. */
  latest(zoneId: string): Promise<StoredSnapshot | undefined>;
  /** The zone's snapshots, newest first, without their bytes. */
  list(zoneId: string, options?: ListSnapshotsOptions): Promise<SnapshotInfo[]>;
  /** One snapshot by id. */
  get(id: string): Promise<StoredSnapshot | undefined>;
  /**
   * Deletes every snapshot of the zone (a room disposed of on the embedded default, whose files
   * would otherwise pile up as rooms come and go). Stores that prune by themselves lack it.
   */
  forget?(zoneId: string): Promise<void>;
  /** Releases connections the store opened itself. Idempotent. */
  close(): Promise<void>;
}
