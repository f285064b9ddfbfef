/**
 * @module The outbox of `account.snapshot.generated`: the envelope is stored with its snapshot in
 * one transaction; after the commit it goes to the publisher (fire-and-forget), and once the log
 * has it the row is marked published. On start, rows still unmarked (the process died before the
 * log acknowledged them) are sent again with the same id — so a committed snapshot is always
 * announced, and at most deduplicated, never lost.
 */
import type { Publisher } from '@tickline/eventlog';
import {
  ServiceStatus,
  type EventEnvelope,
  type Logger,
  type Service,
  type ServiceHealth,
} from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import type { AccountSnapshotData } from './account-events.ts';
import { markSnapshotsPublished, unpublishedSnapshotEvents } from './snapshot-store.ts';

/** How long a send waits for the log before leaving its rows for the next start. */
export const OUTBOX_FLUSH_TIMEOUT_MS = 30_000;
/** Unpublished rows re-sent per query at start. */
export const OUTBOX_RESEND_BATCH = 1_000;

/** Options for {@link createSnapshotOutbox}. */
export interface SnapshotOutboxOptions {
  /** The open database (read at start). */
  sql: () => Sql;
  /** The started publisher (read at start). */
  publisher: () => Publisher;
  /** @default 30_000 */
  flushTimeoutMs?: number;
}

/** The outbox as a service: re-sends unmarked rows on start. */
export interface SnapshotOutbox extends Service {
  /** Publishes committed events and marks their rows once the log acknowledged them. */
  send(events: readonly EventEnvelope<AccountSnapshotData>[]): void;
}

export function createSnapshotOutbox(options: SnapshotOutboxOptions): SnapshotOutbox {
  const flushTimeoutMs = options.flushTimeoutMs ?? OUTBOX_FLUSH_TIMEOUT_MS;
  const pending = new Set<Promise<void>>();
  let sql: Sql | undefined;
  let publisher: Publisher | undefined;
  let logger: Logger | undefined;
  let state: ServiceStatus = ServiceStatus.Starting;

  async function mark(accountIds: string[]): Promise<void> {
    const inLog = await publisher!.flush(flushTimeoutMs);
    // Stopping: the database may be closing. Unmarked rows are only re-sent (deduplicated) later.
    if (state !== ServiceStatus.Up) return;
    if (!inLog) {
      logger?.warn(
        { events: accountIds.length },
        'event log slow: snapshot events stay queued in the publisher; re-sent at next start if lost',
      );
      return;
    }
    await markSnapshotsPublished(sql!, accountIds);
  }

  function send(events: readonly EventEnvelope<AccountSnapshotData>[]): void {
    if (events.length === 0) return;
    for (const event of events) publisher!.publish(event);
    const marking = mark(events.map((e) => e.subject))
      .catch((error: unknown) => logger?.warn({ err: error }, 'marking snapshot events published failed'))
      .finally(() => pending.delete(marking));
    pending.add(marking);
  }

  return {
    name: 'account-snapshot-outbox',
    send,
    async start(context) {
      logger = context.logger;
      sql = options.sql();
      publisher = options.publisher();
      state = ServiceStatus.Up;
      // Re-sent without waiting for the log: a start never blocks on an event log outage.
      let resent = 0;
      let after: EventEnvelope<AccountSnapshotData> | undefined;
      for (;;) {
        const events = await unpublishedSnapshotEvents(sql, OUTBOX_RESEND_BATCH, after);
        if (events.length === 0) break;
        send(events);
        resent += events.length;
        after = events.at(-1);
      }
      if (resent > 0) logger.info({ resent }, 're-sent snapshot events the log had not acknowledged');
    },
    async stop() {
      state = ServiceStatus.Stopping;
      pending.clear();
      state = ServiceStatus.Stopped;
    },
    health(): ServiceHealth {
      return { status: state, info: { marking: pending.size } };
    },
  };
}
