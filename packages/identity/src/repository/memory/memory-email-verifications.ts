/** @module In-memory email verification links. */
import type { EmailVerificationRepository } from '../identity-repository.ts';
import { resendAllowed, resendRefusal, utcDayOf } from '../resend-refusal.ts';
import { copy, type MemoryState } from './memory-state.ts';

export function createMemoryEmailVerifications(state: MemoryState): EmailVerificationRepository {
  return {
    async saveEmailVerification(record) {
      state.emailVerifications.set(record.tokenHash, copy(record));
    },
    async consumeEmailVerification(tokenHash, now) {
      const record = state.emailVerifications.get(tokenHash);
      if (!record) return undefined;
      state.emailVerifications.delete(tokenHash);
      const user = state.users.get(record.userId);
      if (record.expiresAt <= now || !user || user.email !== record.email) return undefined;
      user.emailVerifiedAt ??= now;
      for (const [hash, other] of state.emailVerifications)
        if (other.userId === record.userId) state.emailVerifications.delete(hash);
      return record.userId;
    },
    async takeEmailVerificationResend(userId, now, limits) {
      const count = state.emailVerificationSends.get(userId);
      if (!resendAllowed(count, now, limits)) return resendRefusal(count, now, limits);
      const day = utcDayOf(now);
      state.emailVerificationSends.set(userId, {
        day,
        n: count?.day === day ? count.n + 1 : 1,
        lastAt: new Date(now),
      });
      return undefined;
    },
  };
}
