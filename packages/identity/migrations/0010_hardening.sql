-- Hardening (issue 14): verified emails. A password sign-up proves its mailbox with a link; an
-- OIDC sign-in links to an existing account only when that account's email was verified.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.

-- When the user proved control of the email (a verification link, or a provider that says the
-- address is verified on an OIDC sign-up); null until then.
alter table users add column email_verified_at timestamptz;

-- Pending verification links: only the SHA-256 of the token is stored; a row is deleted when used
-- (single use) and is useless after expires_at. `email` is the address the link was sent to, so a
-- link for an address the user has since changed verifies nothing.
create table email_verifications (
  token_hash text primary key,
  user_id uuid not null references users (id) on delete cascade,
  email text not null,
  created_at timestamptz not null,
  expires_at timestamptz not null
);
create index email_verifications_by_user on email_verifications (user_id);
