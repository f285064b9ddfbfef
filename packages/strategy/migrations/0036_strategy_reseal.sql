-- Strategy code may be re-sealed under a new key (the install's generated key replacing the public
-- `dev` one, or a rotation): an update may change the seal (key id, nonce, ciphertext) and nothing
-- else. What a version is — its code, language, parameters, hash, size, time — stays immutable.
create or replace function strategy_versions_immutable() returns trigger language plpgsql as $$
begin
  if new.strategy_id is distinct from old.strategy_id
    or new.version is distinct from old.version
    or new.language is distinct from old.language
    or new.params is distinct from old.params
    or new.source_sha256 is distinct from old.source_sha256
    or new.size_bytes is distinct from old.size_bytes
    or new.created_at is distinct from old.created_at then
    raise exception 'strategy versions are immutable';
  end if;
  return new;
end;
$$;
