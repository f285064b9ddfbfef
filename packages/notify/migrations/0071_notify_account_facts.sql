-- Notify keeps its copy of the account current, and mails only a proven address.
-- account_email_verified_at: when identity proved the account's address (its verification link,
-- or at creation for an OIDC provider's verified address and the first-run admin); until then the
-- account's address gets no notification mail, since sign-up proves nothing about it. The tier
-- follows identity's account.tier.changed from now on; before this, an admin's change never
-- reached notify.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.
alter table notify_preferences add column account_email_verified_at timestamptz;

-- Rows from before this migration: identity's own record, in the same database when its tables
-- are there — the tier as it is now, and whether the account's address was verified.
do $$
begin
  if to_regclass('users') is not null then
    update notify_preferences p
       set tier = u.tier,
           account_email_verified_at = case when lower(u.email) = lower(p.account_email) then u.email_verified_at end
      from users u
     where u.id = p.user_id;
  end if;
end $$;
