-- Notify, round 3: a notification email is used only once proven (or when it is the account's
-- own), SMS and verification sends are counted in SQL where they are taken, and the delivery
-- engine writes a delivery row once, after its attempt.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.

-- account_email: the address the account signed up with (from account.created); email: the address
-- notifications go to, usable when it equals account_email or email_verified_at is set.
-- pending_email: an address waiting for its code (code_hash: SHA-256 of user id and code).
alter table notify_preferences
  add column account_email text,
  add column email_verified_at timestamptz,
  add column pending_email text,
  add column email_code_hash text,
  add column email_code_expires_at timestamptz,
  add column email_code_attempts integer not null default 0;

-- Rows from before this migration: the account's address is the one identity holds (same
-- database when identity's tables are there); an address that differs from it was never proven.
do $$
begin
  if to_regclass('users') is not null then
    update notify_preferences p set account_email = u.email from users u where u.id = p.user_id;
  end if;
end $$;

-- SMS taken per user and UTC day: notifications and phone verification codes alike, against the
-- tier's smsDailyCap, in one statement each (insert … on conflict … where n < cap).
create table notify_sms_counts (
  user_id uuid not null,
  day date not null,
  n integer not null,
  primary key (user_id, day)
);

-- Verification sends (phone codes, notification-email codes) per UTC day: per user and channel
-- (key = user id) and per address (key = the number or address), so neither a user nor a number
-- can be sent more than the daily limit; last_at spaces a user's sends.
create table notify_verification_counts (
  channel text not null,
  key text not null,
  day date not null,
  n integer not null,
  last_at timestamptz not null,
  primary key (channel, key, day)
);

-- No query reads notifications by user and time (the inbox has its own table and index); every
-- notification paid an index entry for it.
drop index if exists notify_notifications_user_time;
