/** @module In-memory API keys. */
import type { ApiKeyRepository } from '../identity-repository.ts';
import { copy, type MemoryState } from './memory-state.ts';

export function createMemoryApiKeys(state: MemoryState): ApiKeyRepository {
  const active = (userId: string, now: Date) =>
    [...state.apiKeys.values()].filter(
      (k) => k.userId === userId && k.revokedAt === null && (k.expiresAt === null || k.expiresAt > now),
    ).length;
  return {
    async insertApiKey(key) {
      state.apiKeys.set(key.id, copy(key));
    },
    // Counted and inserted with no await between: nothing runs in between on one thread.
    async insertApiKeyWithinQuota(key, limit) {
      if (active(key.userId, key.createdAt) >= limit) return false;
      state.apiKeys.set(key.id, copy(key));
      return true;
    },
    async findApiKeyByPrefix(prefix) {
      for (const key of state.apiKeys.values()) if (key.prefix === prefix) return copy(key);
      return undefined;
    },
    async findApiKeyById(id) {
      const key = state.apiKeys.get(id);
      return key ? copy(key) : undefined;
    },
    async listApiKeys(userId) {
      return [...state.apiKeys.values()]
        .filter((k) => k.userId === userId)
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map(copy);
    },
    async countActiveApiKeys(userId, now) {
      return active(userId, now);
    },
    async revokeApiKey(userId, keyId, at) {
      const key = state.apiKeys.get(keyId);
      if (!key || key.userId !== userId) return false;
      key.revokedAt ??= at;
      return true;
    },
    async recordApiKeyUse(uses) {
      for (const { id, at } of uses) {
        const key = state.apiKeys.get(id);
        if (key && (key.lastUsedAt === null || key.lastUsedAt < at)) key.lastUsedAt = new Date(at);
      }
    },
  };
}
