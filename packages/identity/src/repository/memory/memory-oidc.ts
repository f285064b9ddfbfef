/** @module In-memory OIDC sign-in states and linked identities. */
import type { OidcRepository } from '../identity-repository.ts';
import { copy, type MemoryState } from './memory-state.ts';
import { insertMemoryUser } from './memory-users.ts';

const identityKey = (issuer: string, subject: string) => JSON.stringify([issuer, subject]);

export function createMemoryOidc(state: MemoryState): OidcRepository {
  return {
    async saveOidcState(record) {
      state.oidcStates.set(record.state, copy(record));
    },
    async takeOidcState(key, now) {
      for (const [k, record] of state.oidcStates) if (record.expiresAt <= now) state.oidcStates.delete(k);
      const record = state.oidcStates.get(key);
      state.oidcStates.delete(key);
      return record && copy(record);
    },
    async deleteExpiredOidcStates(now) {
      let deleted = 0;
      for (const [k, record] of state.oidcStates)
        if (record.expiresAt <= now) deleted += Number(state.oidcStates.delete(k));
      return deleted;
    },
    async findOidcIdentity(issuer, subject) {
      const record = state.oidcIdentities.get(identityKey(issuer, subject));
      return record && copy(record);
    },
    async linkOidcIdentity(identity) {
      state.oidcIdentities.set(identityKey(identity.issuer, identity.subject), copy(identity));
    },
    async insertUserWithOidcIdentity(user, identity) {
      insertMemoryUser(state, user);
      state.oidcIdentities.set(identityKey(identity.issuer, identity.subject), copy(identity));
    },
  };
}
