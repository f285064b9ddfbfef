/**
 * @module Planning a batch of `notification.requested` for the log sender: the users' preferences,
 * rules, targets and counters are read for the whole batch, each notification gets its deliveries
 * (due now, or held for a digest), and nothing is written yet — the delivery rows are written once,
 * after their attempt. Only the SMS cap is taken here, in SQL, because an SMS costs money and the
 * phone verification route takes from the same cap. After a restart the log hands back what may
 * have been sent already (`replay`): deliveries whose row exists are left out.
 */
import { uuidv7, type EventEnvelope } from '@tickline/kernel';
import type { SqlQueryable } from '@tickline/store';
import type { NotifyConfig } from '../config.ts';
import type { DeliveryWork, NotificationPlan } from '../dispatch/recorder.ts';
import type { NotificationRequestedData } from '../events.ts';
import { Channel } from '../kinds.ts';
import { planDeliveries, type UserCounters } from '../rules/plan-deliveries.ts';
import {
  allowedChannels,
  ensureUsers,
  loadPreferences,
  loadRules,
  tierDefaults,
} from '../rules/preferences-sql.ts';
import { takeSms } from './counters-sql.ts';
import { hourOf, loadTargets } from './targets-sql.ts';

/** A delivery held for a digest (quiet hours, rate limit), written at once. */
export interface HeldDelivery {
  work: DeliveryWork;
  dueAtMs: number;
  reason: string;
}

export interface PlannedBatch {
  due: DeliveryWork[];
  held: HeldDelivery[];
  /** Non-critical notifications per user counted this batch (the rate limit's hour). */
  counted: Map<string, number>;
}

/**
 * The rate limit's counts of the current clock hour, kept in memory by the one process that
 * holds the log consumer (read from SQL the first time a user is seen in an hour; what is added
 * here is written through the recorder).
 */
export class HourlyCounts {
  #hour = -1;
  #counts = new Map<string, number>();

  async load(db: SqlQueryable, userIds: readonly string[], nowMs: number): Promise<void> {
    const hour = hourOf(nowMs).getTime();
    if (hour !== this.#hour) {
      this.#hour = hour;
      this.#counts = new Map();
    }
    const missing = userIds.filter((id) => !this.#counts.has(id));
    if (missing.length === 0) return;
    const { rows } = await db.query<{ user_id: string; n: number }>(
      'select user_id, n from notify_hourly_counts where user_id = any($1::uuid[]) and hour = $2',
      [missing, new Date(hour)],
    );
    for (const id of missing) this.#counts.set(id, 0);
    for (const r of rows) this.#counts.set(r.user_id, r.n);
  }

  get(userId: string): number {
    return this.#counts.get(userId) ?? 0;
  }

  set(userId: string, n: number): void {
    this.#counts.set(userId, n);
  }
}

export interface PlanBatchOptions {
  config: NotifyConfig;
  /** The channels this server sends on. */
  configured: ReadonlySet<Channel>;
  hourly: HourlyCounts;
}

/** Keys `notification|channel|target` of deliveries already written for these notifications. */
async function writtenKeys(db: SqlQueryable, notificationIds: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ notification_id: string; channel: string; target: string }>(
    'select notification_id, channel, target from notify_deliveries where notification_id = any($1::uuid[])',
    [notificationIds],
  );
  return new Set(rows.map((r) => `${r.notification_id}|${r.channel}|${r.target}`));
}

export async function planBatch(
  db: SqlQueryable,
  options: PlanBatchOptions,
  nowMs: number,
  events: readonly EventEnvelope<NotificationRequestedData>[],
  replay: boolean,
): Promise<PlannedBatch> {
  const { config } = options;
  const out: PlannedBatch = { due: [], held: [], counted: new Map() };
  if (events.length === 0) return out;
  const userIds = [...new Set(events.map((e) => e.data.userId))];
  await ensureUsers(db, userIds);
  const prefs = await loadPreferences(db, config, userIds);
  const rules = await loadRules(db, userIds);
  const targets = await loadTargets(db, userIds, new Map([...prefs].map(([id, p]) => [id, p.email])));
  await options.hourly.load(db, userIds, nowMs);
  const written = replay
    ? await writtenKeys(
        db,
        events.map((e) => e.data.notificationId),
      )
    : new Set<string>();
  const seen = new Set<string>();
  // Per batch, not per notification: a batch holds hundreds of notifications of a few tiers.
  const createdAt = new Date(nowMs).toISOString();
  const allowedByTier = new Map<string, ReadonlySet<Channel>>();
  /** Written already (a replay): no key is built when nothing of the batch was. */
  const isWritten = (id: string, d: { channel: string; target: string }) =>
    written.size > 0 && written.has(`${id}|${d.channel}|${d.target}`);
  for (const event of events) {
    const n = event.data;
    if (seen.has(n.notificationId)) continue; // a duplicate within the batch
    seen.add(n.notificationId);
    const p = prefs.get(n.userId)!;
    const tier = tierDefaults(config, p.tier);
    let allowed = allowedByTier.get(p.tier);
    if (!allowed) allowedByTier.set(p.tier, (allowed = allowedChannels(tier)));
    const userTargets = targets.get(n.userId)!;
    const counters: UserCounters = { lastHour: options.hourly.get(n.userId), smsToday: 0 };
    const before = counters.lastHour;
    const planned = planDeliveries({
      kind: n.kind,
      severity: n.severity,
      nowMs,
      preferences: p,
      rule: rules.get(n.userId)?.get(n.kind),
      defaultChannels: tier.channels,
      allowed,
      // A verification mail goes to the address being verified, and only there.
      targets: n.email ? { ...userTargets, email: n.email } : userTargets,
      counters,
      configured: options.configured,
    });
    const replayed = planned.some((d) => isWritten(n.notificationId, d));
    // A replayed notification was counted when it was first planned.
    if (!replayed) {
      options.hourly.set(n.userId, counters.lastHour);
      if (counters.lastHour > before)
        out.counted.set(n.userId, (out.counted.get(n.userId) ?? 0) + counters.lastHour - before);
    }
    const plan: NotificationPlan = { row: notificationRow(n, nowMs), written: replayed };
    const outgoing = {
      id: n.notificationId,
      userId: n.userId,
      kind: n.kind,
      severity: n.severity,
      title: n.title,
      body: n.body,
      data: plan.row.data,
      createdAt,
      locale: p.locale,
    };
    for (const d of planned) {
      if (isWritten(n.notificationId, d)) continue;
      // SMS costs money: the cap is taken in SQL, in one statement, before the text goes out.
      if (d.channel === Channel.Sms && !(await takeSms(db, n.userId, nowMs, p.smsDailyCap))) continue;
      const work: DeliveryWork = {
        id: uuidv7(nowMs),
        channel: d.channel,
        target: d.target,
        attempts: 1,
        notification: outgoing,
        stored: false,
        plan,
      };
      if (d.status === 'held') out.held.push({ work, dueAtMs: d.dueAtMs, reason: d.reason ?? 'held' });
      else out.due.push(work);
    }
  }
  return out;
}

/** The `notify_notifications` row of a request. */
function notificationRow(n: NotificationRequestedData, nowMs: number): NotificationPlan['row'] {
  return {
    id: n.notificationId,
    user_id: n.userId,
    kind: n.kind,
    severity: n.severity,
    title: n.title,
    body: n.body,
    data: { ...n.data, ...(n.url ? { url: n.url } : {}) },
    source_event_id: n.sourceEventId ?? null,
    created_at: new Date(nowMs),
  };
}
