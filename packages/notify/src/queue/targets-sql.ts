/** @module Where each user can be reached, read for a batch of users at once. */
import type { SqlQueryable } from '@tickline/store';
import type { UserCounters, UserTargets } from '../rules/plan-deliveries.ts';

export async function loadTargets(
  db: SqlQueryable,
  userIds: readonly string[],
  emails: ReadonlyMap<string, string | null>,
): Promise<Map<string, UserTargets>> {
  const out = new Map<string, UserTargets>();
  for (const id of userIds)
    out.set(id, { email: emails.get(id) ?? null, webhooks: [], pushSubscriptions: [], phone: null });
  // One after another: inside a transaction the queries share one connection.
  const hooks = await db.query<{ id: string; user_id: string; kinds: string[] }>(
    'select id, user_id, kinds from notify_webhook_endpoints where user_id = any($1::uuid[]) and disabled_at is null order by created_at',
    [userIds],
  );
  const subs = await db.query<{ id: string; user_id: string }>(
    'select id, user_id from notify_push_subscriptions where user_id = any($1::uuid[]) order by created_at',
    [userIds],
  );
  const phones = await db.query<{ user_id: string; phone: string }>(
    'select user_id, phone from notify_phones where user_id = any($1::uuid[]) and verified_at is not null',
    [userIds],
  );
  for (const h of hooks.rows)
    (out.get(h.user_id)!.webhooks as Array<{ id: string; kinds: string[] }>).push({
      id: h.id,
      kinds: h.kinds,
    });
  for (const s of subs.rows) (out.get(s.user_id)!.pushSubscriptions as string[]).push(s.id);
  for (const p of phones.rows) out.get(p.user_id)!.phone = p.phone;
  return out;
}

const HOUR_MS = 3_600_000;

/** The clock hour (UTC) `nowMs` falls in: the rate limit's window. */
export function hourOf(nowMs: number): Date {
  return new Date(nowMs - (nowMs % HOUR_MS));
}

/**
 * Counters at `nowMs`: non-critical notifications in the current clock hour (UTC) from
 * `notify_hourly_counts`, SMS since UTC midnight.
 */
export async function loadCounters(
  db: SqlQueryable,
  userIds: readonly string[],
  nowMs: number,
): Promise<Map<string, UserCounters>> {
  const out = new Map<string, UserCounters>();
  for (const id of userIds) out.set(id, { lastHour: 0, smsToday: 0 });
  const midnight = new Date(nowMs - (nowMs % 86_400_000));
  const recent = await db.query<{ user_id: string; n: number }>(
    'select user_id, n from notify_hourly_counts where user_id = any($1::uuid[]) and hour = $2',
    [userIds, hourOf(nowMs)],
  );
  const sms = await db.query<{ user_id: string; n: number }>(
    `select user_id, count(*)::int as n from notify_deliveries
       where user_id = any($1::uuid[]) and channel = 'sms' and created_at >= $2 group by user_id`,
    [userIds, midnight],
  );
  for (const r of recent.rows) out.get(r.user_id)!.lastHour = r.n;
  for (const r of sms.rows) out.get(r.user_id)!.smsToday = r.n;
  return out;
}

/** Adds what a batch counted against the rate limit (`added`: per user) to the current hour. */
export async function addToHourlyCounts(
  db: SqlQueryable,
  added: ReadonlyMap<string, number>,
  nowMs: number,
): Promise<void> {
  const entries = [...added].filter(([, n]) => n > 0);
  if (entries.length === 0) return;
  await db.query(
    `insert into notify_hourly_counts (user_id, hour, n)
     select u, $3, n from unnest($1::uuid[], $2::int[]) as v(u, n)
     on conflict (user_id, hour) do update set n = notify_hourly_counts.n + excluded.n`,
    [entries.map(([id]) => id), entries.map(([, n]) => n), hourOf(nowMs)],
  );
}
