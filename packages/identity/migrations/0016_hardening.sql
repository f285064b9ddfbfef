-- Hardening (issue 14): session versions in SQL. Without Redis (the embedded default) the process
-- kept them in memory, so a restart forgot every revocation: a signed-out token or a revoked API
-- key's owner's tokens worked again until they expired. Here they outlive the process.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.

-- One row per user whose version ever moved (sign-out, disabled, role or tier change, key revoked).
-- `version` is milliseconds since the epoch, moved on as max(now, version + 1) (see session-versions.ts).
-- No foreign key: a version is a fence, harmless once its user is gone, and bumps never wait on users.
create table session_versions (
  user_id uuid primary key,
  version bigint not null
);
