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
  /** When identity proved the account's address (its verification link, or at creation). */
  account_email_verified_at: Date | null;
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

/**
 * The address notifications may go to, only once it is proven: the account's own after identity
 * verified it (its link; an OIDC provider or the operator at creation), another one after the code
 * sent to it came back. Sign-up proves nothing, so an address someone signed up with but never
 * opened gets no notification mail (only its verification link, which is addressed apart).
 */
export function usableEmail(
  row: Pick<PreferencesRow, 'email' | 'account_email' | 'account_email_verified_at' | 'email_verified_at'>,
): string | null {
  if (!row.email) return null;
  const proven =
    row.email === row.account_email ? row.account_email_verified_at !== null : row.email_verified_at !== null;
  return proven ? row.email : null;
}

/** `tier`: the caller's tier on a request (their credential), over the stored copy. */
function toPreferences(row: PreferencesRow, config: NotifyConfig, tier = row.tier): UserPreferences {
  const defaults = tierDefaults(config, tier);
  return {
    userId: row.user_id,
    tier,
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

/**
 * Records what account.created tells: the email, whether it is proven already (`verifiedAt`, else
 * null) and the tier.
 */
export async function upsertAccount(
  db: SqlQueryable,
  userId: string,
  email: string,
  tier: string,
  verifiedAt: Date | null = null,
): Promise<void> {
  await db.query(
    `insert into notify_preferences (user_id, email, account_email, account_email_verified_at, tier)
     values ($1, $2, $2, $4, $3)
     on conflict (user_id) do update set email = excluded.email, account_email = excluded.account_email,
       account_email_verified_at = excluded.account_email_verified_at,
       email_verified_at = null, pending_email = null, email_code_hash = null,
       tier = excluded.tier, updated_at = now()`,
    [userId, email, tier, verifiedAt],
  );
}

/** Records account.tier.changed: deliveries planned from now on use the new tier. */
export async function setTier(db: SqlQueryable, userId: string, tier: string): Promise<void> {
  await db.query(
    `insert into notify_preferences (user_id, tier) values ($1, $2)
     on conflict (user_id) do update set tier = excluded.tier, updated_at = now()
       where notify_preferences.tier <> excluded.tier`,
    [userId, tier],
  );
}

/** Records account.email.verified: the account's address, if it is still `email`, may be mailed. */
export async function markAccountEmailVerified(
  db: SqlQueryable,
  userId: string,
  email: string,
  at: Date,
): Promise<void> {
  await db.query(
    `update notify_preferences set account_email_verified_at = coalesce(account_email_verified_at, $3),
       updated_at = now() where user_id = $1 and lower(account_email) = lower($2)`,
    [userId, email, at],
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

/**
 * The settings of one user (for the API); `tier` (the caller's, from their credential) overrides
 * the stored copy for what the tier decides (rate limit, SMS cap).
 */
export async function readSettings(
  db: SqlQueryable,
  config: NotifyConfig,
  userId: string,
  tier?: string,
): Promise<UserPreferences> {
  await ensureUsers(db, [userId]);
  const { rows } = await db.query<PreferencesRow>('select * from notify_preferences where user_id = $1', [
    userId,
  ]);
  return toPreferences(rows[0]!, config, tier ?? rows[0]!.tier);
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
