/**
 * @module Counters taken in one SQL statement each, so two requests racing cannot both pass a
 * limit: the SMS cap per user and UTC day (notifications and verification codes together), and
 * verification sends per user and per address per day with a minimum spacing per user.
 */
import type { SqlQueryable } from '@tickline/store';

const DAY_MS = 86_400_000;
const dayOf = (nowMs: number) => new Date(nowMs - (nowMs % DAY_MS)).toISOString().slice(0, 10);

/** Takes one SMS from the user's daily cap; false (nothing taken) when the cap is reached. */
export async function takeSms(
  db: SqlQueryable,
  userId: string,
  nowMs: number,
  cap: number,
): Promise<boolean> {
  if (cap <= 0) return false;
  const { rowCount } = await db.query(
    `insert into notify_sms_counts as c (user_id, day, n) values ($1, $2::date, 1)
     on conflict (user_id, day) do update set n = c.n + 1 where c.n < $3
     returning n`,
    [userId, dayOf(nowMs), cap],
  );
  return rowCount > 0;
}

/** SMS taken today by a user. */
export async function smsTakenToday(db: SqlQueryable, userId: string, nowMs: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'select n from notify_sms_counts where user_id = $1 and day = $2::date',
    [userId, dayOf(nowMs)],
  );
  return rows[0]?.n ?? 0;
}

/** Why a verification send was refused. */
export type VerificationLimit = 'per_user_per_day' | 'per_address_per_day' | 'too_soon';

/**
 * Takes one verification send of `channel` for `userId` to `address`: at most `perUserPerDay` a
 * user and `perAddressPerDay` an address (whoever asks) per UTC day, and `minIntervalMs` apart
 * per user. Returns the limit that refused it, or undefined when taken. Run it in the
 * transaction that takes the rest (the SMS cap), so a refusal takes nothing.
 */
export async function takeVerificationSend(
  db: SqlQueryable,
  input: {
    channel: string;
    userId: string;
    address: string;
    nowMs: number;
    perUserPerDay: number;
    perAddressPerDay: number;
    minIntervalMs: number;
  },
): Promise<VerificationLimit | undefined> {
  const day = dayOf(input.nowMs);
  const now = new Date(input.nowMs);
  const take = async (key: string, cap: number, minIntervalMs: number) =>
    (
      await db.query(
        `insert into notify_verification_counts as c (channel, key, day, n, last_at)
         values ($1, $2, $3::date, 1, $4)
         on conflict (channel, key, day) do update set n = c.n + 1, last_at = excluded.last_at
           where c.n < $5 and c.last_at <= $4::timestamptz - make_interval(secs => $6)
         returning n`,
        [input.channel, key, day, now, cap, minIntervalMs / 1000],
      )
    ).rowCount > 0;
  const user = await db.query<{ n: number; last_at: Date }>(
    'select n, last_at from notify_verification_counts where channel = $1 and key = $2 and day = $3::date',
    [input.channel, input.userId, day],
  );
  const row = user.rows[0];
  if (row && row.n >= input.perUserPerDay) return 'per_user_per_day';
  if (!(await take(input.userId, input.perUserPerDay, input.minIntervalMs)))
    return row && row.n >= input.perUserPerDay ? 'per_user_per_day' : 'too_soon';
  if (!(await take(`addr:${input.address}`, input.perAddressPerDay, 0))) return 'per_address_per_day';
  return undefined;
}
