-- Verification links a user asks to be sent again (POST /api/v1/me/email/verification): sign-up
-- proves nothing about the address, so without a bound the route mailed anyone's inbox as often as
-- the general rate limit allowed. One row per user: the UTC day counted, the links sent again that
-- day, and when the last one went. It is taken in one statement (insert … on conflict … where the
-- day's count is under the cap and the last send is old enough), so requests racing cannot both
-- pass a limit; one row per user keeps the spacing across midnight and the table from growing.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.
create table email_verification_sends (
  user_id uuid primary key references users (id) on delete cascade,
  day date not null,
  n integer not null,
  last_at timestamptz not null
);
