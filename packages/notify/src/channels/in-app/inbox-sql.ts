/** @module SQL of the in-app inbox: add (idempotent by notification id), page, count, mark read. */
import type { SqlQueryable } from '@tickline/store';
import type { OutgoingNotification } from '../channel.ts';

export interface InboxItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

interface InboxRow {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
}

const toItem = (r: InboxRow): InboxItem => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  body: r.body,
  data: r.data,
  createdAt: r.created_at.toISOString(),
  readAt: r.read_at?.toISOString() ?? null,
});

/** Adds a notification; false when it was already there (a repeated delivery). */
export async function addToInbox(db: SqlQueryable, n: OutgoingNotification): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into notify_inbox (id, user_id, kind, title, body, data, created_at)
     values ($1, $2, $3, $4, $5, $6, $7) on conflict (id) do nothing`,
    [
      n.id,
      n.userId,
      n.kind,
      n.title,
      n.body,
      { ...n.data, ...(n.items ? { items: n.items } : {}) },
      n.createdAt,
    ],
  );
  return rowCount > 0;
}

export interface InboxPage {
  items: InboxItem[];
  /** Pass as `before` for the next page; null at the end. */
  nextCursor: string | null;
  unread: number;
}

/** Newest first; `before` is the id of the last item of the previous page (ids are UUIDv7, time-ordered). */
export async function listInbox(
  db: SqlQueryable,
  userId: string,
  options: { limit: number; before?: string; unreadOnly?: boolean },
): Promise<InboxPage> {
  const { rows } = await db.query<InboxRow>(
    `select id, kind, title, body, data, created_at, read_at from notify_inbox
     where user_id = $1 and ($2::uuid is null or id < $2::uuid) and (not $3 or read_at is null)
     order by id desc limit $4`,
    [userId, options.before ?? null, options.unreadOnly ?? false, options.limit + 1],
  );
  const more = rows.length > options.limit;
  const items = rows.slice(0, options.limit).map(toItem);
  return { items, nextCursor: more ? items.at(-1)!.id : null, unread: await unreadCount(db, userId) };
}

export async function unreadCount(db: SqlQueryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'select count(*)::int as n from notify_inbox where user_id = $1 and read_at is null',
    [userId],
  );
  return rows[0]!.n;
}

/** Marks one read; false when it is not the user's. */
export async function markRead(db: SqlQueryable, userId: string, id: string, at: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    'update notify_inbox set read_at = coalesce(read_at, $3) where user_id = $1 and id = $2',
    [userId, id, at],
  );
  return rowCount > 0;
}

/** Marks everything read; returns how many changed. */
export async function markAllRead(db: SqlQueryable, userId: string, at: Date): Promise<number> {
  const { rowCount } = await db.query(
    'update notify_inbox set read_at = $2 where user_id = $1 and read_at is null',
    [userId, at],
  );
  return rowCount;
}
