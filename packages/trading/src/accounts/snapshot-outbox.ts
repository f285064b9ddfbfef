/**
 * @module The outbox of `account.snapshot.generated` (store's transactional outbox over the
 * `event` and `published_at` columns of `account_snapshots`): a committed snapshot is always
 * announced, at most deduplicated, never lost.
 */
import { createOutbox, type Outbox, type OutboxPublisher, type Sql } from '@tickline/store';
import type { AccountSnapshotData } from './account-events.ts';
import { markSnapshotsPublished, unpublishedSnapshotEvents } from './snapshot-store.ts';

/** Options for {@link createSnapshotOutbox}. */
export interface SnapshotOutboxOptions {
  sql: Sql;
  publisher: OutboxPublisher;
  /** @default 30_000 */
  flushTimeoutMs?: number;
}

export type SnapshotOutbox = Outbox<AccountSnapshotData>;

export function createSnapshotOutbox(options: SnapshotOutboxOptions): SnapshotOutbox {
  return createOutbox<AccountSnapshotData>({
    name: 'account-snapshot-outbox',
    what: 'snapshot',
    sql: options.sql,
    publisher: options.publisher,
    unpublished: (sql, limit, after) => unpublishedSnapshotEvents(sql, limit, after),
    markPublished: (sql, events) =>
      markSnapshotsPublished(
        sql,
        events.map((event) => event.subject),
      ),
    ...(options.flushTimeoutMs === undefined ? {} : { flushTimeoutMs: options.flushTimeoutMs }),
  });
}
