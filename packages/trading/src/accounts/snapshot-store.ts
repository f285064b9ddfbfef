/**
 * @module SQL of `account_snapshots` (migration 0003): the snapshot rows with their outbox column,
 * one operation per function.
 */
import type { EventEnvelope } from '@tickline/kernel';
import type { SqlQueryable } from '@tickline/store';
import type { AccountSnapshotData } from './account-events.ts';

/** A snapshot and the event that announces it, written together. */
export interface SnapshotWrite {
  snapshot: AccountSnapshotData;
  /** The `account.created` event id it was made from. */
  sourceEventId: string;
  event: EventEnvelope<AccountSnapshotData>;
}

const INSERT = `insert into account_snapshots
  (account_id, tier, currency, cash, positions, generated_at, source_event_id, event)
select * from unnest($1::uuid[], $2::text[], $3::text[], $4::numeric[], $5::jsonb[], $6::timestamptz[], $7::text[], $8::jsonb[])
on conflict (account_id) do nothing
returning account_id`;

/** Inserts snapshots; an account that has one keeps it. Returns the account ids written. */
export async function insertSnapshots(
  tx: SqlQueryable,
  writes: readonly SnapshotWrite[],
): Promise<Set<string>> {
  if (writes.length === 0) return new Set();
  const column = <T>(pick: (w: SnapshotWrite) => T): T[] => writes.map(pick);
  const { rows } = await tx.query<{ account_id: string }>(INSERT, [
    column((w) => w.snapshot.accountId),
    column((w) => w.snapshot.tier),
    column((w) => w.snapshot.currency),
    column((w) => w.snapshot.cash),
    column((w) => JSON.stringify(w.snapshot.positions)),
    column((w) => w.snapshot.generatedAt),
    column((w) => w.sourceEventId),
    column((w) => JSON.stringify(w.event)),
  ]);
  return new Set(rows.map((r) => r.account_id));
}

interface SnapshotRow {
  account_id: string;
  tier: AccountSnapshotData['tier'];
  currency: string;
  cash: string;
  positions: AccountSnapshotData['positions'];
  generated_at: Date;
}

/** The snapshot of `accountId`, or undefined while it has not been generated. */
export async function findSnapshot(
  sql: SqlQueryable,
  accountId: string,
): Promise<AccountSnapshotData | undefined> {
  const { rows } = await sql.query<SnapshotRow>(
    'select account_id, tier, currency, cash, positions, generated_at from account_snapshots where account_id = $1',
    [accountId],
  );
  const row = rows[0];
  return (
    row && {
      accountId: row.account_id,
      tier: row.tier,
      currency: row.currency,
      cash: row.cash,
      positions: row.positions,
      generatedAt: row.generated_at.toISOString(),
    }
  );
}

const UNPUBLISHED = `select event from account_snapshots
where published_at is null and (generated_at, account_id) > ($2::timestamptz, $3::uuid)
order by generated_at, account_id
limit $1`;

/** Up to `limit` events not yet acknowledged by the log, oldest first, after the event `after`. */
export async function unpublishedSnapshotEvents(
  sql: SqlQueryable,
  limit: number,
  after?: EventEnvelope<AccountSnapshotData>,
): Promise<EventEnvelope<AccountSnapshotData>[]> {
  const { rows } = await sql.query<{ event: EventEnvelope<AccountSnapshotData> }>(UNPUBLISHED, [
    limit,
    after?.data.generatedAt ?? '-infinity',
    after?.subject ?? '00000000-0000-0000-0000-000000000000',
  ]);
  return rows.map((r) => r.event);
}

/** Records that the events of these accounts are in the log. */
export async function markSnapshotsPublished(
  sql: SqlQueryable,
  accountIds: readonly string[],
): Promise<void> {
  if (accountIds.length === 0) return;
  await sql.query(
    'update account_snapshots set published_at = now() where account_id = any($1::uuid[]) and published_at is null',
    [accountIds],
  );
}
