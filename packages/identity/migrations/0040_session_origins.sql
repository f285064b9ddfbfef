-- Hardening (issue 29): a session remembers where it was signed in from, so a sign-in from a
-- device and address the account has not used before can be announced (`new_sign_in`).
-- Backward compatible: nullable columns without defaults (no table rewrite); a process of the
-- previous release inserts sessions without them and never reads them, and rows from before this
-- migration stay null, which the notice treats as "nothing recorded yet" rather than "new".
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.

-- A summary of the user agent ("Firefox on Linux"), not the raw header.
alter table auth_sessions add column if not exists device text;
-- The client address as the server saw it through its trusted proxies (http.trustProxy).
alter table auth_sessions add column if not exists address text;
-- Every session of a user, live or ended (the live-only index skips ended ones, which still count
-- as known devices until they are purged).
create index if not exists auth_sessions_by_user on auth_sessions (user_id);
