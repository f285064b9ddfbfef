/** @module In-memory sessions and refresh tokens. */
import type { SessionRepository } from '../identity-repository.ts';
import { copy, type MemoryState } from './memory-state.ts';

export function createMemorySessions(state: MemoryState): SessionRepository {
  return {
    async deleteEndedSessions(before) {
      let count = 0;
      for (const [id, session] of state.sessions) {
        const ended =
          session.expiresAt < before || (session.revokedAt !== null && session.revokedAt < before);
        if (!ended) continue;
        state.sessions.delete(id);
        for (const [tokenId, token] of state.refreshTokens)
          if (token.sessionId === id) state.refreshTokens.delete(tokenId);
        count++;
      }
      return count;
    },
    async createSession(session, first) {
      state.sessions.set(session.id, copy(session));
      state.refreshTokens.set(first.id, copy(first));
    },
    async originHistory(userId, origin) {
      const own = [...state.sessions.values()].filter((s) => s.userId === userId);
      return {
        seen: own.some((s) => s.origin?.device === origin.device && s.origin.address === origin.address),
        sessions: own.length > 0,
        recorded: own.some((s) => s.origin != null),
      };
    },
    async findRefreshToken(tokenHash) {
      for (const token of state.refreshTokens.values()) {
        if (token.tokenHash !== tokenHash) continue;
        const session = state.sessions.get(token.sessionId);
        return session && { token: copy(token), session: copy(session) };
      }
      return undefined;
    },
    async rotateRefreshToken(tokenId, usedAt, next, reusableSince) {
      const token = state.refreshTokens.get(tokenId);
      if (!token) return false;
      if (token.usedAt !== null && !(reusableSince && token.usedAt >= reusableSince)) return false;
      token.usedAt ??= usedAt;
      state.refreshTokens.set(next.id, copy(next));
      return true;
    },
    async revokeSession(sessionId, reason, at) {
      const session = state.sessions.get(sessionId);
      if (!session || session.revokedAt !== null) return false;
      session.revokedAt = at;
      session.revokeReason = reason;
      return true;
    },
    async revokeUserSessions(userId, reason, at) {
      let count = 0;
      for (const session of state.sessions.values()) {
        if (session.userId !== userId || session.revokedAt !== null) continue;
        session.revokedAt = at;
        session.revokeReason = reason;
        count++;
      }
      return count;
    },
  };
}
