/** @module In-memory users. */
import { IdentityError } from '../../errors.ts';
import type { UserRepository } from '../identity-repository.ts';
import type { UserRecord } from '../records.ts';
import { copy, type MemoryState } from './memory-state.ts';

export function insertMemoryUser(state: MemoryState, user: UserRecord): void {
  for (const existing of state.users.values()) {
    if (existing.email === user.email)
      throw new IdentityError('IDENTITY_EMAIL_TAKEN', 'email already registered');
  }
  state.users.set(user.id, copy(user));
}

function isActiveAdmin(user: UserRecord): boolean {
  return user.role === 'admin' && user.status === 'active';
}

export function createMemoryUsers(state: MemoryState): UserRepository {
  return {
    async insertUser(user) {
      insertMemoryUser(state, user);
    },
    async findUserById(id) {
      const user = state.users.get(id);
      return user && copy(user);
    },
    async findUserByEmail(email) {
      for (const user of state.users.values()) if (user.email === email) return copy(user);
      return undefined;
    },
    async updateUser(id, patch, at, options = {}) {
      const user = state.users.get(id);
      if (!user) return undefined;
      const next: UserRecord = { ...user, ...patch, updatedAt: at };
      if (options.keepAnAdmin && isActiveAdmin(user) && !isActiveAdmin(next)) {
        const others = [...state.users.values()].filter((u) => u.id !== id && isActiveAdmin(u));
        if (others.length === 0) return 'last_admin';
      }
      state.users.set(id, next);
      return copy(next);
    },
    async listUsers(query) {
      return [...state.users.values()]
        .filter((u) => query.after === undefined || u.id > query.after)
        .filter((u) => query.role === undefined || u.role === query.role)
        .filter((u) => query.tier === undefined || u.tier === query.tier)
        .filter((u) => query.emailPrefix === undefined || u.email.startsWith(query.emailPrefix))
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .slice(0, query.limit)
        .map(copy);
    },
    async countActiveAdmins() {
      return [...state.users.values()].filter(isActiveAdmin).length;
    },
  };
}
