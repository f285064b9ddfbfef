/** @module Session versions in memory: one process (the embedded default). */
import { systemClock, type Clock } from '@tickline/kernel';
import { nextVersion, type SessionVersions } from './session-versions.ts';

export interface MemorySessionVersionsOptions {
  /** @default systemClock */
  clock?: Clock;
  /**
   * Every user's version is at least this. Pass the process start time so tokens issued before a
   * restart (whose revocations this memory no longer holds) are refused once and refreshed.
   * @default 0
   */
  floor?: number;
}

export function createMemorySessionVersions(options: MemorySessionVersionsOptions = {}): SessionVersions {
  const clock = options.clock ?? systemClock;
  const floor = options.floor ?? 0;
  const versions = new Map<string, number>();
  return {
    async current(userId) {
      return Math.max(floor, versions.get(userId) ?? 0);
    },
    async bump(userId) {
      const next = nextVersion(Math.max(floor, versions.get(userId) ?? 0), clock.now());
      versions.set(userId, next);
      return next;
    },
  };
}
