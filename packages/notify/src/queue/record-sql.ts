/**
 * @module The one statement that records what the dispatcher did: new notification rows, delivery
 * rows written once after their attempt (or held, or handed to the SQL queue), outcomes of rows
 * that already existed (claimed from SQL, or written while their attempt ran), the attempt log and
 * the rate limit's hourly counts — a data-modifying CTE, atomic, one round trip, each list sent as
 * one JSON text parameter (see `insertJsonRows`).
 */
import type { SqlQueryable } from '@tickline/store';
import type { AttemptRecord } from './delivery-sql.ts';
import {
  DELIVERY_COLUMNS,
  jsonCell,
  jsonColumns,
  jsonRows,
  NOTIFICATION_COLUMNS,
  type DeliveryRow,
  type NotificationRow,
} from './rows-sql.ts';

/** The new state of a delivery row that exists already. */
export interface DeliveryUpdate {
  id: string;
  status: 'delivered' | 'pending' | 'failed' | 'sending';
  /** Kept as is when null. */
  nextAttemptAt: Date | null;
  leaseUntil: Date | null;
  error: string | null;
  /** Kept as is when null (a row given back without an attempt keeps its count). */
  attempts: number | null;
}

/** Everything one flush writes. */
export interface RecordBatch {
  notifications: NotificationRow[];
  inserts: DeliveryRow[];
  updates: DeliveryUpdate[];
  attempts: AttemptRecord[];
  /** Non-critical notifications per (user, clock hour) to add to the rate limit's count. */
  hourly: Array<{ userId: string; hour: Date; n: number }>;
}

const ATTEMPT_COLUMNS = {
  delivery_id: 'uuid',
  notification_id: 'uuid',
  channel: 'text',
  target: 'text',
  ok: 'boolean',
  status_code: 'integer',
  response_excerpt: 'text',
  error: 'text',
  duration_ms: 'integer',
  attempted_at: 'timestamptz',
} as const satisfies Record<keyof AttemptRecord, string>;
const UPDATE_TYPES = ['uuid', 'text', 'timestamptz', 'timestamptz', 'text', 'integer'];
const HOURLY_TYPES = ['uuid', 'timestamptz', 'integer'];

const names = (columns: object) => Object.keys(columns).join(', ');

const RECORD = `with notifications as (
  insert into notify_notifications (${names(NOTIFICATION_COLUMNS)})
  select ${jsonColumns(Object.values(NOTIFICATION_COLUMNS))} from jsonb_array_elements($1::jsonb) as e(r)
  on conflict do nothing
), inserted as (
  insert into notify_deliveries (${names(DELIVERY_COLUMNS)})
  select ${jsonColumns(Object.values(DELIVERY_COLUMNS))} from jsonb_array_elements($2::jsonb) as e(r)
  on conflict do nothing
), updated as (
  update notify_deliveries d set
    status = v.status,
    next_attempt_at = coalesce(v.next, d.next_attempt_at),
    lease_until = v.lease,
    last_error = v.err,
    attempts = coalesce(v.attempts, d.attempts),
    delivered_at = case when v.status = 'delivered' then $6::timestamptz else d.delivered_at end
  from (select ${jsonColumns(UPDATE_TYPES)} from jsonb_array_elements($3::jsonb) as e(r))
    as v(id, status, next, lease, err, attempts)
  where d.id = v.id
), counted as (
  insert into notify_hourly_counts (user_id, hour, n)
  select ${jsonColumns(HOURLY_TYPES)} from jsonb_array_elements($5::jsonb) as e(r)
  on conflict (user_id, hour) do update set n = notify_hourly_counts.n + excluded.n
)
insert into notify_attempts (${names(ATTEMPT_COLUMNS)})
select ${jsonColumns(Object.values(ATTEMPT_COLUMNS))} from jsonb_array_elements($4::jsonb) as e(r)`;

/** Writes a flush in one statement. */
export async function recordDeliveries(db: SqlQueryable, nowMs: number, batch: RecordBatch): Promise<void> {
  await db.query(RECORD, [
    jsonRows(NOTIFICATION_COLUMNS, batch.notifications),
    jsonRows(
      DELIVERY_COLUMNS,
      batch.inserts.map((r) => (r.attempts === undefined ? { ...r, attempts: 0 } : r)),
    ),
    JSON.stringify(
      batch.updates.map((u) => [
        u.id,
        u.status,
        jsonCell(u.nextAttemptAt),
        jsonCell(u.leaseUntil),
        u.error,
        u.attempts,
      ]),
    ),
    jsonRows(ATTEMPT_COLUMNS, batch.attempts),
    JSON.stringify(batch.hourly.map((h) => [h.userId, jsonCell(h.hour), h.n])),
    new Date(nowMs),
  ]);
}
