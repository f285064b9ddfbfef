/**
 * @module Cold snapshots in SQL (`game_snapshots`, migration 0005): PGlite in embedded mode,
 * PostgreSQL when configured. A put and the trimming of the zone's oldest rows share one
 * transaction. Manual snapshots are never trimmed: an operator deletes them.
 */
import { isUuid } from '@tickline/kernel';
import { isStoreConnectionError, type Sql } from '@tickline/store';
import { SnapshotStoreUnavailableError } from './snapshot-errors.ts';
import { DEFAULT_LIST_LIMIT, type SnapshotStore } from './snapshot-store.ts';
import type { SnapshotKind } from './stored-snapshot.ts';
import { type SnapshotInfo, type StoredSnapshot } from './stored-snapshot.ts';

/** Non-manual snapshots kept per zone: two hours at one a minute. */
export const DEFAULT_SQL_SNAPSHOTS_PER_ZONE = 120;

/** Options for {@link createSqlSnapshotStore}. */
export interface SqlSnapshotStoreOptions {
  /** A migrated database (the caller owns it: `close()` leaves it open). */
  sql: Sql;
  /** Newest hot/cold snapshots kept per zone. @default 120 */
  maxPerZone?: number;
}

interface Row {
  snapshot_id: string;
  zone_id: string;
  kind: SnapshotKind;
  tick: number;
  log_position: number;
  event_seq: number;
  players: number;
  taken_at: Date;
  size: number;
  bytes?: Uint8Array;
}

const INFO_COLUMNS =
  'snapshot_id, zone_id, kind, tick, log_position, event_seq, players, taken_at, octet_length(bytes) as size';

const INSERT = `insert into game_snapshots
  (snapshot_id, zone_id, kind, tick, log_position, event_seq, players, taken_at, bytes)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
  on conflict (snapshot_id) do update set
    kind = excluded.kind, tick = excluded.tick, log_position = excluded.log_position,
    event_seq = excluded.event_seq, players = excluded.players, taken_at = excluded.taken_at,
    bytes = excluded.bytes`;

const TRIM = `delete from game_snapshots where snapshot_id in (
  select snapshot_id from game_snapshots where zone_id = $1 and kind <> 'manual'
  order by taken_at desc, snapshot_id desc offset $2)`;

/** Creates the SQL snapshot store over an open, migrated database. */
export function createSqlSnapshotStore(options: SqlSnapshotStoreOptions): SnapshotStore {
  const { sql } = options;
  const keep = options.maxPerZone ?? DEFAULT_SQL_SNAPSHOTS_PER_ZONE;

  async function run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (isStoreConnectionError(error)) throw new SnapshotStoreUnavailableError('sql', error);
      throw error;
    }
  }

  const toInfo = (r: Row): SnapshotInfo => ({
    id: r.snapshot_id,
    zoneId: r.zone_id,
    kind: r.kind,
    tick: Number(r.tick),
    logPosition: Number(r.log_position),
    eventSeq: Number(r.event_seq),
    players: r.players,
    takenAt: r.taken_at.getTime(),
    size: r.size,
  });
  const toStored = (r: Row): StoredSnapshot => ({ ...toInfo(r), bytes: r.bytes! });

  return {
    name: 'sql',
    put: (s) =>
      run(() =>
        sql.transaction(async (tx) => {
          const params = [s.id, s.zoneId, s.kind, s.tick, s.logPosition, s.eventSeq, s.players];
          await tx.query(INSERT, [...params, new Date(s.takenAt), s.bytes]);
          await tx.query(TRIM, [s.zoneId, keep]);
        }),
      ),
    latest: (zoneId) =>
      run(async () => {
        const { rows } = await sql.query<Row>(
          `select ${INFO_COLUMNS}, bytes from game_snapshots where zone_id = $1
           order by taken_at desc, snapshot_id desc limit 1`,
          [zoneId],
        );
        return rows[0] && toStored(rows[0]);
      }),
    list: (zoneId, listOptions = {}) =>
      run(async () => {
        const { rows } = await sql.query<Row>(
          `select ${INFO_COLUMNS} from game_snapshots where zone_id = $1
           order by taken_at desc, snapshot_id desc limit $2`,
          [zoneId, listOptions.limit ?? DEFAULT_LIST_LIMIT],
        );
        return rows.map(toInfo);
      }),
    get: (id) =>
      run(async () => {
        // Ids are UUIDs; anything else cannot exist (and would fail the uuid cast).
        if (!isUuid(id)) return undefined;
        const { rows } = await sql.query<Row>(
          `select ${INFO_COLUMNS}, bytes from game_snapshots where snapshot_id = $1`,
          [id],
        );
        return rows[0] && toStored(rows[0]);
      }),
    close: () => Promise.resolve(),
  };
}
