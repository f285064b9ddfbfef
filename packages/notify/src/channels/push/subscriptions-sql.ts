/** @module Web Push subscriptions in SQL: one per device, keyed by the push service endpoint. */
import { uuidv7 } from '@tickline/kernel';
import type { SqlQueryable } from '@tickline/store';

export interface PushSubscriptionRecord {
  id: string;
  userId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  device: string | null;
  createdAt: string;
}

interface Row {
  id: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  device: string | null;
  created_at: Date;
}

const toRecord = (r: Row): PushSubscriptionRecord => ({
  id: r.id,
  userId: r.user_id,
  endpoint: r.endpoint,
  p256dh: r.p256dh,
  auth: r.auth,
  device: r.device,
  createdAt: r.created_at.toISOString(),
});

/** Saves a subscription; the same endpoint again (a re-subscribe) updates its keys and owner. */
export async function saveSubscription(
  db: SqlQueryable,
  input: { userId: string; endpoint: string; p256dh: string; auth: string; device?: string | undefined },
  nowMs: number,
): Promise<PushSubscriptionRecord> {
  const { rows } = await db.query<Row>(
    `insert into notify_push_subscriptions (id, user_id, endpoint, p256dh, auth, device, created_at)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (endpoint) do update set user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, device = excluded.device
     returning *`,
    [
      uuidv7(nowMs),
      input.userId,
      input.endpoint,
      input.p256dh,
      input.auth,
      input.device ?? null,
      new Date(nowMs),
    ],
  );
  return toRecord(rows[0]!);
}

export async function listSubscriptions(db: SqlQueryable, userId: string): Promise<PushSubscriptionRecord[]> {
  const { rows } = await db.query<Row>(
    'select * from notify_push_subscriptions where user_id = $1 order by created_at',
    [userId],
  );
  return rows.map(toRecord);
}

export async function getSubscription(
  db: SqlQueryable,
  id: string,
): Promise<PushSubscriptionRecord | undefined> {
  const { rows } = await db.query<Row>('select * from notify_push_subscriptions where id = $1', [id]);
  return rows[0] && toRecord(rows[0]);
}

/** Deletes one; with `userId`, only if it is theirs. */
export async function deleteSubscription(db: SqlQueryable, id: string, userId?: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'delete from notify_push_subscriptions where id = $1 and ($2::uuid is null or user_id = $2)',
    [id, userId ?? null],
  );
  return rowCount > 0;
}
