/**
 * @module Proving an address before notify uses it, without becoming a relay: a notification email
 * that differs from the account's gets a 6-digit code sent to *that* address, and is used only once
 * the code comes back; a phone gets its code by SMS. Codes are stored hashed, last 10 minutes and
 * allow 5 tries. Every code sent is counted in SQL before it goes out — per user and per address
 * per UTC day, a minute apart per user, and (SMS) in the user's daily SMS cap — so neither a user
 * nor a number or mailbox can be sent more than a few a day. Only tiers with a channel may verify
 * for it. Codes go out directly (not through the log or the queue), so they are stored nowhere in
 * clear.
 */
import { createHash, randomInt } from 'node:crypto';
import { uuidv7, type Clock } from '@tickline/kernel';
import type { Sql, SqlQueryable } from '@tickline/store';
import type { NotificationChannel, OutgoingNotification } from '../channels/channel.ts';
import { confirmPhone, PHONE_CODE_TTL_MS, startPhoneVerification } from '../channels/sms/phones-sql.ts';
import type { NotifyConfig } from '../config.ts';
import { NotifyError } from '../errors.ts';
import { Channel, NotificationKind, Severity } from '../kinds.ts';
import { takeSms, takeVerificationSend } from '../queue/counters-sql.ts';
import { allowedChannels, readSettings, tierDefaults } from '../rules/preferences-sql.ts';

/** Codes a user may be sent per channel per UTC day. */
export const VERIFICATION_SENDS_PER_USER_PER_DAY = 5;
/** Codes one number or mailbox may be sent per UTC day, whoever asks. */
export const VERIFICATION_SENDS_PER_ADDRESS_PER_DAY = 3;
/** A user's codes are at least this far apart. */
export const VERIFICATION_MIN_INTERVAL_MS = 60_000;
export const EMAIL_CODE_TTL_MS = 10 * 60_000;
export const EMAIL_CODE_MAX_ATTEMPTS = 5;

const hash = (userId: string, code: string) => createHash('sha256').update(`${userId}:${code}`).digest('hex');
const newCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

export interface VerificationOptions {
  sql: Sql;
  config: NotifyConfig;
  clock: Clock;
  email?: NotificationChannel;
  sms?: NotificationChannel;
}

/**
 * `tier`: the caller's, from their credential (else notify's stored copy).
 * @throws NOTIFY_CHANNEL_NOT_ENTITLED when the user's tier does not include `channel`
 */
export async function requireEntitled(
  db: SqlQueryable,
  config: NotifyConfig,
  userId: string,
  channels: readonly string[],
  tier?: string,
): Promise<void> {
  const settings = await readSettings(db, config, userId, tier);
  const allowed = allowedChannels(tierDefaults(config, settings.tier));
  for (const channel of channels) {
    if (!allowed.has(channel as Channel))
      throw new NotifyError(
        'NOTIFY_CHANNEL_NOT_ENTITLED',
        `the ${settings.tier} tier does not include ${channel}`,
        {
          details: { channel, tier: settings.tier, allowed: [...allowed] },
        },
      );
  }
}

function notConfigured(channel: string): NotifyError {
  return new NotifyError('NOTIFY_CHANNEL_NOT_CONFIGURED', `${channel} is not configured on this server`, {
    details: { channel },
  });
}

/** Takes one send in the transaction, or throws (the transaction then takes nothing). */
async function takeSend(tx: SqlQueryable, channel: string, userId: string, address: string, nowMs: number) {
  const refused = await takeVerificationSend(tx, {
    channel,
    userId,
    address,
    nowMs,
    perUserPerDay: VERIFICATION_SENDS_PER_USER_PER_DAY,
    perAddressPerDay: VERIFICATION_SENDS_PER_ADDRESS_PER_DAY,
    minIntervalMs: VERIFICATION_MIN_INTERVAL_MS,
  });
  if (refused)
    throw new NotifyError('NOTIFY_VERIFICATION_THROTTLED', `no more ${channel} codes for now (${refused})`, {
      details: { limit: refused, channel },
    });
}

async function sendCode(
  channel: NotificationChannel,
  userId: string,
  target: string,
  code: string,
  nowMs: number,
) {
  const notification: OutgoingNotification = {
    id: uuidv7(nowMs),
    userId,
    kind: NotificationKind.EmailVerification,
    severity: Severity.Critical,
    title: 'Your Tickline code',
    body: `Your verification code is ${code}. It works for 10 minutes.`,
    data: {},
    createdAt: new Date(nowMs).toISOString(),
    locale: 'en',
  };
  const result = await channel.send({ deliveryId: notification.id, notification, target, attempt: 1 });
  if (result.outcome !== 'delivered')
    throw new NotifyError('NOTIFY_CHANNEL_NOT_CONFIGURED', `the code could not be sent: ${result.error}`, {
      details: { channel: channel.channel },
    });
}

export function createVerification(options: VerificationOptions) {
  const { sql, config, clock } = options;
  return {
    /** Sends a code to `email` and keeps it pending; notifications keep their current address. */
    async startEmail(userId: string, email: string): Promise<void> {
      if (!options.email) throw notConfigured(Channel.Email);
      const now = clock.now();
      const code = newCode();
      await sql.transaction(async (tx) => {
        await takeSend(tx, Channel.Email, userId, email.toLowerCase(), now);
        await tx.query(
          `update notify_preferences set pending_email = $2, email_code_hash = $3, email_code_expires_at = $4,
             email_code_attempts = 0, updated_at = now() where user_id = $1`,
          [userId, email, hash(userId, code), new Date(now + EMAIL_CODE_TTL_MS)],
        );
      });
      await sendCode(options.email, userId, email, code, now);
    },

    /** The code came back: the pending address becomes the notification email. */
    async confirmEmail(userId: string, code: string): Promise<string> {
      const { rows } = await sql.query<{
        pending_email: string | null;
        email_code_hash: string | null;
        email_code_expires_at: Date | null;
        email_code_attempts: number;
      }>(
        `update notify_preferences set email_code_attempts = email_code_attempts + 1 where user_id = $1
         returning pending_email, email_code_hash, email_code_expires_at, email_code_attempts`,
        [userId],
      );
      const row = rows[0];
      const ok =
        row?.pending_email &&
        row.email_code_hash === hash(userId, code) &&
        (row.email_code_expires_at?.getTime() ?? 0) > clock.now() &&
        row.email_code_attempts <= EMAIL_CODE_MAX_ATTEMPTS;
      if (!ok) throw new NotifyError('NOTIFY_EMAIL_NOT_VERIFIED', 'wrong, expired or no pending code');
      await sql.query(
        `update notify_preferences set email = pending_email, email_verified_at = $2, pending_email = null,
           email_code_hash = null, email_code_expires_at = null, updated_at = now() where user_id = $1`,
        [userId, new Date(clock.now())],
      );
      return row.pending_email!;
    },

    /**
     * Texts a code to `phone`: the tier (the caller's `tier`, else the stored one) must have SMS,
     * and the code counts in the SMS cap. Resolves with when the code stops working.
     */
    async startPhone(userId: string, phone: string, tier?: string): Promise<{ expiresAt: Date }> {
      if (!options.sms) throw notConfigured(Channel.Sms);
      await requireEntitled(sql, config, userId, [Channel.Sms], tier);
      const settings = await readSettings(sql, config, userId, tier);
      const now = clock.now();
      const code = await sql.transaction(async (tx) => {
        await takeSend(tx, Channel.Sms, userId, phone, now);
        if (!(await takeSms(tx, userId, now, settings.smsDailyCap)))
          throw new NotifyError('NOTIFY_VERIFICATION_THROTTLED', 'the daily SMS allowance is used up', {
            details: { limit: 'sms_daily_cap', channel: Channel.Sms, cap: settings.smsDailyCap },
          });
        return startPhoneVerification(tx, userId, phone, now);
      });
      await sendCode(options.sms, userId, phone, code, now);
      return { expiresAt: new Date(now + PHONE_CODE_TTL_MS) };
    },

    confirmPhone: async (userId: string, code: string) => ({
      phone: await confirmPhone(sql, userId, code, clock.now()),
    }),
  };
}

export type Verification = ReturnType<typeof createVerification>;
