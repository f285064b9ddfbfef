/** @module The in-memory identity repository: tests and single-process tools without a database. */
import type { IdentityRepository } from '../identity-repository.ts';
import { createMemoryApiKeys } from './memory-api-keys.ts';
import { createMemoryEmailVerifications } from './memory-email-verifications.ts';
import { createMemoryOidc } from './memory-oidc.ts';
import { createMemorySessions } from './memory-sessions.ts';
import { copy, createMemoryState, type MemoryState } from './memory-state.ts';
import { createMemoryTotp } from './memory-totp.ts';
import { createMemoryUsers } from './memory-users.ts';

/** The in-memory adapter, plus a snapshot of every table for "nothing changed" assertions. */
export interface InMemoryIdentityRepository extends IdentityRepository {
  snapshot(): MemoryState;
}

export function createInMemoryIdentityRepository(): InMemoryIdentityRepository {
  const state = createMemoryState();
  return {
    ...createMemoryUsers(state),
    ...createMemorySessions(state),
    ...createMemoryApiKeys(state),
    ...createMemoryTotp(state),
    ...createMemoryOidc(state),
    ...createMemoryEmailVerifications(state),
    snapshot: () => copy(state),
  };
}
