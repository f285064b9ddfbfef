/**
 * @module The account-snapshots consumer (platform role): for each `account.created` it writes the
 * account's initial snapshot and the `account.snapshot.generated` envelope in one transaction with
 * the event claim and checkpoint (`createSqlProjection`), then hands the envelope to the outbox.
 * A redelivered or replayed `account.created` changes nothing and announces nothing twice.
 */
import { AccountCreated, type AccountCreatedData } from '@tickline/identity';
import type { EventHandler } from '@tickline/eventlog';
import { createEventSource, systemClock, type Clock, type EventEnvelope } from '@tickline/kernel';
import { createSqlProjection, type Sql, type SqlTx } from '@tickline/store';
import { AccountSnapshotGenerated, type AccountSnapshotData } from './account-events.ts';
import { initialSnapshot } from './initial-snapshot.ts';
import type { SnapshotOutbox } from './snapshot-outbox.ts';
import { insertSnapshots, type SnapshotWrite } from './snapshot-store.ts';

/** Durable consumer name: checkpoint owner and metric label. */
export const ACCOUNT_SNAPSHOTS_CONSUMER = 'account-snapshots';
/** `source` of the events it publishes. */
export const SNAPSHOT_EVENT_SOURCE = 'platform/account-snapshots';

/** Options for {@link createSnapshotHandler}. */
export interface SnapshotHandlerOptions {
  sql: Sql;
  outbox: Pick<SnapshotOutbox, 'send'>;
  /** @default systemClock */
  clock?: Clock;
}

function isAccountCreated(event: EventEnvelope): event is EventEnvelope<AccountCreatedData> {
  return event.type === AccountCreated.type;
}

/** The consumer's handler: project the batch, then announce what was written. */
export function createSnapshotHandler(options: SnapshotHandlerOptions): EventHandler {
  const clock = options.clock ?? systemClock;
  const source = createEventSource({ source: SNAPSHOT_EVENT_SOURCE, clock });
  // The envelopes of the transaction that committed last; reset for every attempt.
  let written: EventEnvelope<AccountSnapshotData>[] = [];

  async function project(tx: SqlTx, events: EventEnvelope[]): Promise<void> {
    const generatedAt = new Date(clock.now());
    const writes: SnapshotWrite[] = events.filter(isAccountCreated).map((created) => {
      const snapshot = initialSnapshot(created.data, generatedAt);
      const event = source.create(AccountSnapshotGenerated, {
        subject: snapshot.accountId,
        data: snapshot,
        correlationid: created.correlationid ?? created.id,
        causationid: created.id,
      });
      return { snapshot, sourceEventId: created.id, event };
    });
    const inserted = await insertSnapshots(tx, writes);
    written = writes.filter((w) => inserted.has(w.snapshot.accountId)).map((w) => w.event);
  }

  const projection = createSqlProjection({ sql: options.sql, consumer: ACCOUNT_SNAPSHOTS_CONSUMER, project });

  return async function handleAccountEvents(events, context) {
    written = [];
    await projection.apply(events, { lastOffset: context.lastOffset, logger: context.logger });
    options.outbox.send(written);
  };
}
