/** @module In-memory TOTP factors and recovery codes. */
import type { TotpRepository } from '../identity-repository.ts';
import { copy, type MemoryState } from './memory-state.ts';

export function createMemoryTotp(state: MemoryState): TotpRepository {
  const codesOf = (userId: string) => state.recoveryCodes.filter((c) => c.userId === userId);
  return {
    async findTotp(userId) {
      const record = state.totp.get(userId);
      return record && copy(record);
    },
    async savePendingTotp(userId, secretCipher, at) {
      if (state.totp.get(userId)?.enabledAt) return false;
      state.totp.set(userId, { userId, secretCipher, createdAt: at, enabledAt: null, lastTimeStep: null });
      return true;
    },
    async activateTotp(userId, timeStep, at, recoveryCodeHashes) {
      const record = state.totp.get(userId);
      if (!record || record.enabledAt) return false;
      record.enabledAt = at;
      record.lastTimeStep = timeStep;
      state.recoveryCodes = state.recoveryCodes.filter((c) => c.userId !== userId);
      for (const codeHash of recoveryCodeHashes) state.recoveryCodes.push({ userId, codeHash, usedAt: null });
      return true;
    },
    async advanceTotpTimeStep(userId, timeStep) {
      const record = state.totp.get(userId);
      if (!record || (record.lastTimeStep !== null && record.lastTimeStep >= timeStep)) return false;
      record.lastTimeStep = timeStep;
      return true;
    },
    async consumeRecoveryCode(userId, codeHash, at) {
      const row = codesOf(userId).find((c) => c.codeHash === codeHash && c.usedAt === null);
      if (!row) return false;
      row.usedAt = at;
      return true;
    },
    async replaceRecoveryCodes(userId, codeHashes) {
      state.recoveryCodes = state.recoveryCodes.filter((c) => c.userId !== userId);
      for (const codeHash of codeHashes) state.recoveryCodes.push({ userId, codeHash, usedAt: null });
    },
    async countUnusedRecoveryCodes(userId) {
      return codesOf(userId).filter((c) => c.usedAt === null).length;
    },
    async deleteTotp(userId) {
      state.totp.delete(userId);
      state.recoveryCodes = state.recoveryCodes.filter((c) => c.userId !== userId);
    },
  };
}
