/**
 * @module The two row shapes every writer of the queue shares, and their inserts: a notification
 * (`notify_notifications`) and a delivery (`notify_deliveries`). The enqueue consumer, digest
 * folding and the API's test send all write through these, so a column added to the schema is
 * added once.
 */
import type { SqlQueryable } from '@tickline/store';

/** A row of `notify_notifications`. */
export interface NotificationRow {
  id: string;
  user_id: string;
  kind: string;
  severity: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  /** The domain event it was made from; null for notify's own (tests, digests). */
  source_event_id?: string | null;
  created_at: Date;
}

/** A row of `notify_deliveries`: one (notification, channel, target). */
export interface DeliveryRow {
  id: string;
  notification_id: string;
  user_id: string;
  channel: string;
  target: string;
  /** `pending` (due at next_attempt_at), `held` (quiet hours, rate limit) or `sending` (handed over). */
  status: string;
  next_attempt_at: Date;
  /** Why a row is held, or what happened last. */
  last_error?: string | null;
  /** Attempts made so far (0 for a row written before any attempt). */
  attempts?: number;
  /** Set on a row written while its attempt is still running (leased to this process). */
  lease_until?: Date | null;
  delivered_at?: Date | null;
}

export const NOTIFICATION_COLUMNS = {
  id: 'uuid',
  user_id: 'uuid',
  kind: 'text',
  severity: 'text',
  title: 'text',
  body: 'text',
  data: 'jsonb',
  source_event_id: 'text',
  created_at: 'timestamptz',
} as const;

export const DELIVERY_COLUMNS = {
  id: 'uuid',
  notification_id: 'uuid',
  user_id: 'uuid',
  channel: 'text',
  target: 'text',
  status: 'text',
  next_attempt_at: 'timestamptz',
  last_error: 'text',
  attempts: 'integer',
  lease_until: 'timestamptz',
  delivered_at: 'timestamptz',
} as const;

/**
 * `SELECT` expressions reading column `i` of a row sent as a JSON array: `(r->>i)::type`, or the
 * JSON value itself for json/jsonb columns (JSON `null` as SQL NULL).
 */
export function jsonColumns(types: readonly string[]): string {
  return types
    .map((type, i) =>
      /^jsonb?$/.test(type)
        ? `nullif(r->${i}, 'null'::jsonb)`
        : type === 'timestamptz'
          ? `(timestamptz 'epoch' + (r->>${i})::bigint * interval '1 millisecond')`
          : `(r->>${i})::${type}`,
    )
    .join(', ');
}

/**
 * A cell of a row sent as a JSON array: a Date as epoch milliseconds (read back by
 * {@link jsonColumns}), anything else as is, undefined as null. A Date left to `JSON.stringify`
 * has its `toJSON` called, which takes the whole statement off the serialiser's fast path: 2–4 µs
 * a row in the recorder's statement, with four dates in each delivery's rows.
 */
export const jsonCell = (value: unknown): unknown =>
  value instanceof Date ? value.getTime() : (value ?? null);

/** Rows as JSON arrays of {@link jsonCell}s in the order of `columns`' keys. */
export function jsonRows<Row extends object>(columns: object, rows: readonly Row[]): string {
  const keys = Object.keys(columns);
  return JSON.stringify(
    rows.map((row) => {
      const out = new Array<unknown>(keys.length);
      for (let i = 0; i < keys.length; i++) out[i] = jsonCell((row as Record<string, unknown>)[keys[i]!]);
      return out;
    }),
  );
}

/**
 * One `INSERT … SELECT FROM jsonb_array_elements($1)` of `rows` (conflicts skipped). The rows go as
 * ONE JSON text parameter, each row an array in column order: `JSON.stringify` is native, where
 * store's `insertRows` has `pg` escape every element of one array per column in JavaScript — the
 * largest cost of the enqueue consumer in a CPU profile of `npm run bench:notify` (pg's
 * `prepareValue` / `escapeElement`). Arrays rather than objects: key names in every row made the
 * statement a third larger, and bytes written to PostgreSQL's socket showed in the next profile.
 * Column names and types are this module's constants, never input.
 */
export async function insertJsonRows<Row extends object>(
  db: SqlQueryable,
  table: string,
  columns: Readonly<Record<keyof Row & string, string>>,
  rows: readonly Row[],
  returning = '',
): Promise<Array<Record<string, unknown>>> {
  const names = Object.keys(columns) as Array<keyof Row & string>;
  const { rows: out } = await db.query(
    `insert into ${table} (${names.join(', ')}) select ${jsonColumns(Object.values(columns))}
     from jsonb_array_elements($1::jsonb) as e(r) on conflict do nothing${returning && ` returning ${returning}`}`,
    [jsonRows(columns, rows)],
  );
  return out;
}

export const notificationValues = (rows: readonly NotificationRow[]) =>
  rows.map((r) => ({ ...r, source_event_id: r.source_event_id ?? null }));

/** Inserts notifications in one statement (none: no statement). */
export async function insertNotifications(db: SqlQueryable, rows: readonly NotificationRow[]): Promise<void> {
  if (rows.length === 0) return;
  await insertJsonRows(db, 'notify_notifications', NOTIFICATION_COLUMNS, notificationValues(rows));
}

/**
 * Inserts notifications and returns the ids that were new: an id already stored (a replayed
 * `notification.requested`) is skipped and left out, so the row is also the event's claim.
 */
export async function insertNewNotifications(
  db: SqlQueryable,
  rows: readonly NotificationRow[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = await insertJsonRows(
    db,
    'notify_notifications',
    NOTIFICATION_COLUMNS,
    notificationValues(rows),
    'id',
  );
  return new Set(inserted.map((r) => r.id as string));
}

/** Inserts deliveries in one statement (none: no statement). */
export async function insertDeliveries(db: SqlQueryable, rows: readonly DeliveryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await insertJsonRows(
    db,
    'notify_deliveries',
    DELIVERY_COLUMNS,
    rows.map((r) => ({
      ...r,
      last_error: r.last_error ?? null,
      attempts: r.attempts ?? 0,
      lease_until: r.lease_until ?? null,
      delivered_at: r.delivered_at ?? null,
    })),
  );
}
