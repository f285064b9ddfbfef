-- Notify (packages/notify): per-user preferences and rules, the notifications themselves, the
-- per-channel delivery queue with its attempt log, the in-app inbox, webhook endpoints (secrets
-- encrypted), Web Push subscriptions and verified phone numbers.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.

-- One row per known user: created from account.created or by the first API call. quiet_start /
-- quiet_end are local wall-clock times ('HH:MM') in time_zone (IANA); both null = no quiet hours.
create table notify_preferences (
  user_id uuid primary key,
  tier text not null default 'free',
  email text,
  locale text not null default 'en',
  time_zone text not null default 'UTC',
  quiet_start text,
  quiet_end text,
  -- Non-critical notifications per user per rolling hour before the rest is held for a digest.
  rate_limit_per_hour integer,
  sms_daily_cap integer,
  updated_at timestamptz not null default now()
);

-- Which channels a notification kind goes to. No row for a kind = the tier's default.
-- urgent: the kind may use SMS (SMS only ever carries kinds the user marked urgent).
create table notify_rules (
  user_id uuid not null,
  kind text not null,
  channels text[] not null,
  urgent boolean not null default false,
  updated_at timestamptz not null default now(),
  primary key (user_id, kind)
);

-- Every notification.requested, once (its id is the notification id).
create table notify_notifications (
  id uuid primary key,
  user_id uuid not null,
  kind text not null,
  severity text not null,
  title text not null,
  body text not null,
  data jsonb not null,
  source_event_id text,
  created_at timestamptz not null
);
create index notify_notifications_user_time on notify_notifications (user_id, created_at);

-- The queue: one row per (notification, channel, target). target is the channel's address: the
-- user id (in_app), an email address, a webhook endpoint id, a push subscription id, a phone.
-- status: pending (due at next_attempt_at), held (quiet hours / rate limit: digested when due),
-- sending (claimed until lease_until; an expired lease is claimable again), delivered, failed
-- (attempts exhausted or target gone), digested (folded into the digest delivery digest_id).
create table notify_deliveries (
  id uuid primary key,
  notification_id uuid not null,
  user_id uuid not null,
  channel text not null,
  target text not null,
  status text not null,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  lease_until timestamptz,
  last_error text,
  digest_id uuid,
  -- A digest delivery lists the notifications it carries.
  digest_of uuid[],
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  unique (notification_id, channel, target)
);
create index notify_deliveries_due on notify_deliveries (next_attempt_at)
  where status in ('pending', 'held', 'sending');
create index notify_deliveries_target on notify_deliveries (channel, target, created_at);

-- One row per attempt: what the receiver answered and how long it took.
create table notify_attempts (
  id bigserial primary key,
  delivery_id uuid not null,
  notification_id uuid not null,
  channel text not null,
  target text not null,
  ok boolean not null,
  status_code integer,
  response_excerpt text,
  error text,
  duration_ms integer not null,
  attempted_at timestamptz not null default now()
);
create index notify_attempts_target on notify_attempts (channel, target, id);

-- The in-app inbox (id = notification id).
create table notify_inbox (
  id uuid primary key,
  user_id uuid not null,
  kind text not null,
  title text not null,
  body text not null,
  data jsonb not null,
  created_at timestamptz not null,
  read_at timestamptz
);
create index notify_inbox_user on notify_inbox (user_id, id desc);
create index notify_inbox_unread on notify_inbox (user_id) where read_at is null;

-- Webhook endpoints. secrets: a JSON array of { box, expiresAt } where box is the whsec_ secret
-- sealed with AES-256-GCM (see secret-box.ts); during a rotation the old one stays until expiresAt.
-- failing_since: first failure of the current run of failures (null after a success).
create table notify_webhook_endpoints (
  id uuid primary key,
  user_id uuid not null,
  url text not null,
  format text not null default 'standard',
  kinds text[] not null default '{}',
  secrets jsonb not null,
  disabled_at timestamptz,
  disabled_reason text,
  failing_since timestamptz,
  created_at timestamptz not null default now()
);
create index notify_webhook_endpoints_user on notify_webhook_endpoints (user_id);

-- Web Push subscriptions, one per device (browser profile).
create table notify_push_subscriptions (
  id uuid primary key,
  user_id uuid not null,
  endpoint text not null unique,
  p256dh text not null,
  auth text not null,
  device text,
  created_at timestamptz not null default now()
);
create index notify_push_subscriptions_user on notify_push_subscriptions (user_id);

-- A phone number for SMS; usable once verified_at is set. code_hash: SHA-256 of the pending code.
create table notify_phones (
  user_id uuid primary key,
  phone text not null,
  verified_at timestamptz,
  code_hash text,
  code_expires_at timestamptz,
  code_attempts integer not null default 0,
  updated_at timestamptz not null default now()
);
