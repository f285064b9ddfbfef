/** @module SQL of preferences and rules: read for a batch of users, and edited through the API. */
import type { SqlQueryable } from '@tickline/store';
import type { NotifyConfig } from '../config.ts';
import { Channel, NotifyTier } from '../kinds.ts';
import type { KindRule, UserPreferences } from './plan-deliveries.ts';

interface PreferencesRow {
  user_id: string;
  tier: string;
  email: string | null;
  account_email: string | null;
  email_verified_at: Date | null;
  pending_email: string | null;
  locale: string;
  time_zone: string;
  quiet_start: string | null;
  quiet_end: string | null;
  rate_limit_per_hour: number | null;
  sms_daily_cap: number | null;
}

/** The config defaults of a tier (unknown tiers get free's). */
export function tierDefaults(config: NotifyConfig, tier: string): NotifyConfig['tiers']['free'] {
  return config.tiers[(tier in config.tiers ? tier : NotifyTier.Free) as keyof NotifyConfig['tiers']];
}

/**
 * The channels a tier may use: its `allowedChannels`, without SMS when its daily cap is 0 (a tier
 * without SMS neither texts nor verifies numbers).
 */
export function allowedChannels(tier: NotifyConfig['tiers']['free']): ReadonlySet<Channel> {
  const allowed = new Set<Channel>(tier.allowedChannels);
  if (tier.smsDailyCap <= 0) allowed.delete(Channel.Sms);
  return allowed;
}

/** The address notifications may go to: the account's own, or one proven by its code. */
export function usableEmail(
  row: Pick<PreferencesRow, 'email' | 'account_email' | 'email_verified_at'>,
): string | null {
  if (!row.email) return null;
  return row.email === row.account_email || row.email_verified_at !== null ? row.email : null;
}

function toPreferences(row: PreferencesRow, config: NotifyConfig): UserPreferences {
  const defaults = tierDefaults(config, row.tier);
  return {
    userId: row.user_id,
    tier: row.tier,
    email: usableEmail(row),
    emailSetting: row.email,
    emailVerified: usableEmail(row) !== null,
    pendingEmail: row.pending_email,
    locale: row.locale,
    timeZone: row.time_zone,
    quietStart: row.quiet_start,
    quietEnd: row.quiet_end,
    // A user may lower their rate limit, never raise it above their tier's.
    rateLimitPerHour: Math.min(
      row.rate_limit_per_hour ?? defaults.rateLimitPerHour,
      defaults.rateLimitPerHour,
    ),
    smsDailyCap: row.sms_daily_cap ?? defaults.smsDailyCap,
  };
}

/** Creates the preference rows of users seen for the first time (tier free until told). */
export async function ensureUsers(db: SqlQueryable, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db.query(
    'insert into notify_preferences (user_id) select unnest($1::uuid[]) on conflict do nothing',
    [userIds],
  );
}

/** Records what account.created tells: the email and the tier. */
export async function upsertAccount(
  db: SqlQueryable,
  userId: string,
  email: string,
  tier: string,
): Promise<void> {
  await db.query(
    `insert into notify_preferences (user_id, email, account_email, tier) values ($1, $2, $2, $3)
     on conflict (user_id) do update set email = excluded.email, account_email = excluded.account_email,
       email_verified_at = null, pending_email = null, email_code_hash = null,
       tier = excluded.tier, updated_at = now()`,
    [userId, email, tier],
  );
}

export async function loadPreferences(
  db: SqlQueryable,
  config: NotifyConfig,
  userIds: readonly string[],
): Promise<Map<string, UserPreferences>> {
  const { rows } = await db.query<PreferencesRow>(
    'select * from notify_preferences where user_id = any($1::uuid[])',
    [userIds],
  );
  return new Map(rows.map((r) => [r.user_id, toPreferences(r, config)]));
}

/** Rules by user, then kind. */
export async function loadRules(
  db: SqlQueryable,
  userIds: readonly string[],
): Promise<Map<string, Map<string, KindRule>>> {
  const { rows } = await db.query<{ user_id: string; kind: string; channels: Channel[]; urgent: boolean }>(
    'select user_id, kind, channels, urgent from notify_rules where user_id = any($1::uuid[])',
    [userIds],
  );
  const out = new Map<string, Map<string, KindRule>>();
  for (const r of rows) {
    let byKind = out.get(r.user_id);
    if (!byKind) out.set(r.user_id, (byKind = new Map()));
    byKind.set(r.kind, { channels: r.channels, urgent: r.urgent });
  }
  return out;
}

/** Users with an explicit rule for `kind` that names at least one channel (opt-in audiences). */
export async function usersWithRule(db: SqlQueryable, kind: string): Promise<string[]> {
  const { rows } = await db.query<{ user_id: string }>(
    'select user_id from notify_rules where kind = $1 and cardinality(channels) > 0',
    [kind],
  );
  return rows.map((r) => r.user_id);
}

/** Every user notify knows. */
export async function allUsers(db: SqlQueryable): Promise<string[]> {
  const { rows } = await db.query<{ user_id: string }>('select user_id from notify_preferences');
  return rows.map((r) => r.user_id);
}

/** The raw settings of one user (for the API). */
export async function readSettings(
  db: SqlQueryable,
  config: NotifyConfig,
  userId: string,
): Promise<UserPreferences> {
  await ensureUsers(db, [userId]);
  const prefs = await loadPreferences(db, config, [userId]);
  return prefs.get(userId)!;
}

export interface SettingsPatch {
  email?: string | null;
  locale?: string;
  timeZone?: string;
  quietHours?: { start: string; end: string } | null;
  rateLimitPerHour?: number | null;
}

export async function updateSettings(db: SqlQueryable, userId: string, patch: SettingsPatch): Promise<void> {
  await ensureUsers(db, [userId]);
  const quiet = patch.quietHours;
  await db.query(
    `update notify_preferences set
       email = case when $2 then $3 else email end,
       locale = coalesce($4, locale),
       time_zone = coalesce($5, time_zone),
       quiet_start = case when $6 then $7 else quiet_start end,
       quiet_end = case when $6 then $8 else quiet_end end,
       rate_limit_per_hour = case when $9 then $10::integer else rate_limit_per_hour end,
       updated_at = now()
     where user_id = $1`,
    [
      userId,
      patch.email !== undefined,
      patch.email ?? null,
      patch.locale ?? null,
      patch.timeZone ?? null,
      quiet !== undefined,
      quiet?.start ?? null,
      quiet?.end ?? null,
      patch.rateLimitPerHour !== undefined,
      patch.rateLimitPerHour ?? null,
    ],
  );
}

export async function putRule(db: SqlQueryable, userId: string, kind: string, rule: KindRule): Promise<void> {
  await ensureUsers(db, [userId]);
  await db.query(
    `insert into notify_rules (user_id, kind, channels, urgent) values ($1, $2, $3::text[], $4)
     on conflict (user_id, kind) do update set channels = excluded.channels, urgent = excluded.urgent, updated_at = now()`,
    [userId, kind, [...rule.channels], rule.urgent],
  );
}

export async function deleteRule(db: SqlQueryable, userId: string, kind: string): Promise<boolean> {
  const { rowCount } = await db.query('delete from notify_rules where user_id = $1 and kind = $2', [
    userId,
    kind,
  ]);
  return rowCount > 0;
}
