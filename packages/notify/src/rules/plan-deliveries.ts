/**
 * @module Which deliveries one notification gets. Pure: the user's preferences, the rule for the
 * kind (or the tier's default), the channel targets and the counters go in; rows for the queue
 * come out, each either due now or held (quiet hours, rate limit) for a digest.
 */
import { Channel, NotificationKind, Severity } from '../kinds.ts';
import { quietUntil } from './quiet-hours.ts';

/** What the planner knows about a user. */
export interface UserPreferences {
  userId: string;
  tier: string;
  /** Where email goes: the account's address, or a notification address proven by its code. */
  email: string | null;
  /** The notification address as set (null: none), proven or not. */
  emailSetting?: string | null;
  /** `emailSetting` may be used. */
  emailVerified?: boolean;
  /** An address waiting for its code. */
  pendingEmail?: string | null;
  locale: string;
  timeZone: string;
  quietStart: string | null;
  quietEnd: string | null;
  rateLimitPerHour: number;
  smsDailyCap: number;
}

/** A user's rule for one kind. */
export interface KindRule {
  channels: readonly Channel[];
  urgent: boolean;
}

/** Where each channel can reach the user. */
export interface UserTargets {
  email: string | null;
  /** Enabled webhook endpoints with the kinds each takes (empty = all). */
  webhooks: ReadonlyArray<{ id: string; kinds: readonly string[] }>;
  pushSubscriptions: readonly string[];
  /** The verified phone, if any. */
  phone: string | null;
}

/** Counters the planner updates as it goes through a batch. */
export interface UserCounters {
  /** Non-critical notifications in the current clock hour, UTC (this one excluded). */
  lastHour: number;
  /** SMS queued today. */
  smsToday: number;
}

export interface PlanInput {
  kind: NotificationKind;
  severity: Severity;
  nowMs: number;
  preferences: UserPreferences;
  /** The rule for the kind, or undefined for the tier default. */
  rule: KindRule | undefined;
  defaultChannels: readonly Channel[];
  /** The channels the user's tier may use; others are planned nothing. @default all */
  allowed?: ReadonlySet<Channel>;
  targets: UserTargets;
  counters: UserCounters;
  /**
   * The channels this server can send on (email needs SMTP, SMS Twilio, push VAPID keys); others
   * are planned nothing. Without it, every channel is assumed configured.
   */
  configured?: ReadonlySet<Channel>;
}

export interface PlannedDelivery {
  channel: Channel;
  target: string;
  /** held: sent as part of a digest at dueAtMs. */
  status: 'pending' | 'held';
  dueAtMs: number;
  /** Why it is held: quiet hours or rate limit. */
  reason?: 'quiet_hours' | 'rate_limit';
}

const HOUR_MS = 3_600_000;

/**
 * The channels of a kind without a rule: the tier's defaults and webhooks, since an enabled
 * endpoint is its own subscription (its kinds decide). The rules page shows the same.
 */
export function withEndpoints(defaults: readonly Channel[]): Channel[] {
  return [...new Set([...defaults, Channel.Webhook])];
}

/** Plans the deliveries of one notification and updates `counters`. */
export function planDeliveries(input: PlanInput): PlannedDelivery[] {
  const { preferences: p, targets, counters, nowMs } = input;
  // A verification link proves the mailbox: it goes by email, whatever the rules say.
  // Without a rule for the kind, an enabled webhook endpoint is its own subscription (its kinds,
  // empty = all, decide): a new endpoint that reads "all kinds" must receive them without a second
  // switch in the rules. A rule for the kind decides alone, webhooks off included.
  const channels =
    input.kind === NotificationKind.EmailVerification
      ? [Channel.Email]
      : (input.rule?.channels ?? withEndpoints(input.defaultChannels));
  const critical = input.severity === Severity.Critical;
  let dueAtMs = nowMs;
  let reason: PlannedDelivery['reason'];
  if (!critical) {
    const quiet =
      p.quietStart && p.quietEnd
        ? quietUntil(nowMs, { start: p.quietStart, end: p.quietEnd, timeZone: p.timeZone })
        : undefined;
    if (quiet !== undefined) {
      dueAtMs = quiet;
      reason = 'quiet_hours';
    } else if (counters.lastHour >= p.rateLimitPerHour) {
      // Held until the window has room again; the next full hour keeps the digest count low.
      dueAtMs = nowMs - (nowMs % HOUR_MS) + HOUR_MS;
      reason = 'rate_limit';
    }
    counters.lastHour++;
  }
  const status = reason ? 'held' : 'pending';
  const out: PlannedDelivery[] = [];
  const add = (channel: Channel, target: string) =>
    out.push({ channel, target, status, dueAtMs, ...(reason ? { reason } : {}) });
  for (const channel of new Set(channels)) {
    // A delivery that can only fail ("channel email is not configured") would read as an error in
    // the user's delivery log — on the embedded default, for every sign-up's verification email.
    if (input.configured && !input.configured.has(channel)) continue;
    // A rule written on a richer tier (or before entitlements) does not outlive a downgrade.
    if (input.allowed && !input.allowed.has(channel) && input.kind !== NotificationKind.EmailVerification)
      continue;
    switch (channel) {
      case Channel.InApp:
        add(channel, p.userId);
        break;
      case Channel.Email:
        if (targets.email) add(channel, targets.email);
        break;
      case Channel.Webhook:
        for (const w of targets.webhooks)
          if (w.kinds.length === 0 || w.kinds.includes(input.kind)) add(channel, w.id);
        break;
      case Channel.Push:
        for (const s of targets.pushSubscriptions) add(channel, s);
        break;
      case Channel.Sms: {
        // SMS costs money: only kinds the user marked urgent (or critical ones), within the daily cap,
        // and never held for a digest (a digest SMS at 07:00 helps nobody).
        const wanted = critical || (input.rule?.urgent ?? false);
        if (targets.phone && wanted && !reason && counters.smsToday < p.smsDailyCap) {
          counters.smsToday++;
          out.push({ channel, target: targets.phone, status: 'pending', dueAtMs: nowMs });
        }
        break;
      }
    }
  }
  return out;
}
