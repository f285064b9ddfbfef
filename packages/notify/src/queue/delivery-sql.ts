/**
 * @module SQL of the delivery queue: claim due rows (FOR UPDATE SKIP LOCKED, so several
 * dispatchers share the queue), fold held rows into digests, resend. Outcomes are written by
 * `record-sql.ts`.
 */
import { uuidv7 } from '@tickline/kernel';
import type { Sql, SqlQueryable } from '@tickline/store';
import type { OutgoingNotification } from '../channels/channel.ts';
import type { Channel, NotificationKind, Severity } from '../kinds.ts';
import { NotificationKind as Kind, Severity as Sev } from '../kinds.ts';
import { insertDeliveries, insertNotifications, type DeliveryRow, type NotificationRow } from './rows-sql.ts';

/** A claimed delivery with its notification. */
export interface ClaimedDelivery {
  id: string;
  channel: Channel;
  target: string;
  attempts: number;
  notification: OutgoingNotification;
}

interface ClaimRow {
  id: string;
  channel: Channel;
  target: string;
  attempts: number;
  notification_id: string;
  user_id: string;
  kind: NotificationKind;
  severity: Severity;
  title: string;
  body: string;
  data: Record<string, unknown>;
  created_at: Date;
  locale: string | null;
}

const CLAIM = `with due as (
  select id from notify_deliveries
  where next_attempt_at <= $1
    and (status = 'pending' or (status = 'sending' and lease_until < $1))
    and not (channel || ':' || target = any($4::text[]))
    and not (user_id = any($5::uuid[]))
  order by next_attempt_at
  limit $3
  for update skip locked
), claimed as (
  update notify_deliveries d
  set status = 'sending', lease_until = $2, attempts = d.attempts + 1
  from due where d.id = due.id
  returning d.id, d.channel, d.target, d.attempts, d.notification_id, d.user_id
)
select c.*, n.kind, n.severity, n.title, n.body, n.data, n.created_at, p.locale
from claimed c
join notify_notifications n on n.id = c.notification_id
left join notify_preferences p on p.user_id = c.user_id`;

/** Who the claim leaves alone: busy tenants and targets (`channel:target`) of this process. */
export interface ClaimExclusions {
  tenants: readonly string[];
  targets: readonly string[];
}

/** Claims up to `limit` due deliveries until `leaseUntil`, none of `skip`'s. */
export async function claimDue(
  sql: Sql,
  nowMs: number,
  leaseUntilMs: number,
  limit: number,
  skip: ClaimExclusions = { tenants: [], targets: [] },
): Promise<ClaimedDelivery[]> {
  const { rows } = await sql.query<ClaimRow>(CLAIM, [
    new Date(nowMs),
    new Date(leaseUntilMs),
    limit,
    [...skip.targets],
    [...skip.tenants],
  ]);
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    target: r.target,
    attempts: r.attempts,
    notification: {
      id: r.notification_id,
      userId: r.user_id,
      kind: r.kind,
      severity: r.severity,
      title: r.title,
      body: r.body,
      data: r.data,
      createdAt: r.created_at.toISOString(),
      locale: r.locale ?? 'en',
      ...(Array.isArray(r.data.items) ? { items: r.data.items as OutgoingNotification['items'] } : {}),
    },
  }));
}

/**
 * Turns held rows that are due into deliveries: one alone becomes pending as it is; several for
 * the same (user, channel, target) become ONE digest notification and delivery, and the held rows
 * are marked `digested` with its id. One transaction, so a crash folds nothing twice.
 * @returns how many deliveries became pending
 */
export async function releaseHeld(sql: Sql, nowMs: number, limit = 1_000): Promise<number> {
  return sql.transaction(async (tx) => {
    const { rows } = await tx.query<{
      id: string;
      user_id: string;
      channel: string;
      target: string;
      notification_id: string;
      kind: string;
      title: string;
      body: string;
      created_at: Date;
    }>(
      `select d.id, d.user_id, d.channel, d.target, d.notification_id, n.kind, n.title, n.body, n.created_at
       from notify_deliveries d join notify_notifications n on n.id = d.notification_id
       where d.status = 'held' and d.next_attempt_at <= $1
       order by d.user_id, d.channel, d.target, n.created_at
       limit $2 for update of d skip locked`,
      [new Date(nowMs), limit],
    );
    if (rows.length === 0) return 0;
    const groups = new Map<string, typeof rows>();
    for (const r of rows) {
      const key = `${r.user_id}|${r.channel}|${r.target}`;
      const g = groups.get(key);
      if (g) g.push(r);
      else groups.set(key, [r]);
    }
    const single: string[] = [];
    const notifications: NotificationRow[] = [];
    const deliveries: DeliveryRow[] = [];
    const digested: Array<{ id: string; digest: string }> = [];
    for (const group of groups.values()) {
      if (group.length === 1) {
        single.push(group[0]!.id);
        continue;
      }
      const first = group[0]!;
      const digestId = uuidv7(nowMs);
      const items = group.map((r) => ({
        id: r.notification_id,
        kind: r.kind,
        title: r.title,
        body: r.body,
        createdAt: r.created_at.toISOString(),
      }));
      notifications.push({
        id: digestId,
        user_id: first.user_id,
        kind: Kind.Digest,
        severity: Sev.Info,
        title: `${group.length} notifications`,
        body: items.map((i) => `• ${i.title}`).join('\n'),
        data: { items },
        created_at: new Date(nowMs),
      });
      deliveries.push({
        id: uuidv7(nowMs),
        notification_id: digestId,
        user_id: first.user_id,
        channel: first.channel,
        target: first.target,
        status: 'pending',
        next_attempt_at: new Date(nowMs),
      });
      for (const r of group) digested.push({ id: r.id, digest: digestId });
    }
    if (single.length > 0) {
      await tx.query(
        `update notify_deliveries set status = 'pending', last_error = null where id = any($1::uuid[])`,
        [single],
      );
    }
    if (notifications.length > 0) {
      await insertNotifications(tx, notifications);
      await insertDeliveries(tx, deliveries);
      await tx.query(
        `update notify_deliveries d set status = 'digested', digest_id = v.digest
         from unnest($1::uuid[], $2::uuid[]) as v(id, digest) where d.id = v.id`,
        [digested.map((d) => d.id), digested.map((d) => d.digest)],
      );
    }
    return single.length + deliveries.length;
  });
}

export interface AttemptRecord {
  delivery_id: string;
  notification_id: string;
  channel: string;
  target: string;
  ok: boolean;
  status_code: number | null;
  response_excerpt: string | null;
  error: string | null;
  duration_ms: number;
  attempted_at: Date;
}

/** Queues a notification again for one target (resend): a new delivery row, due now. */
export async function requeue(
  db: SqlQueryable,
  nowMs: number,
  rows: ReadonlyArray<{ notificationId: string; userId: string; channel: Channel; target: string }>,
): Promise<number> {
  if (rows.length === 0) return 0;
  // The unique key is (notification, channel, target): a resend resets the existing row.
  const { rowCount } = await db.query(
    `update notify_deliveries d set status = 'pending', next_attempt_at = $4, attempts = 0, lease_until = null, last_error = 'resend'
     from unnest($1::uuid[], $2::text[], $3::text[]) as v(nid, channel, target)
     where d.notification_id = v.nid and d.channel = v.channel and d.target = v.target`,
    [
      rows.map((r) => r.notificationId),
      rows.map((r) => r.channel),
      rows.map((r) => r.target),
      new Date(nowMs),
    ],
  );
  return rowCount;
}
