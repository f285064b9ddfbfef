/**
 * @module A bound on password hashing. argon2id costs ~19 MiB and tens of milliseconds per call on
 * libuv's small thread pool (shared with file and DNS work); anonymous sign-ups and sign-ins could
 * queue hashes without limit and starve everything else. At most `maxConcurrent` run, at most
 * `maxQueued` wait, and the rest are shed at once with IDENTITY_BUSY (HTTP 503 + Retry-After).
 */
import { IdentityBusyError } from '../errors.ts';
import type { PasswordHasher } from './password-hasher.ts';

/** Limits for {@link boundPasswordHasher}. */
export interface PasswordHashingLimits {
  /** Hashes or verifications running at once. @default 2 (half of libuv's default pool of 4) */
  maxConcurrent?: number;
  /** Calls waiting for a slot before new ones are shed. @default 32 */
  maxQueued?: number;
  /** The `Retry-After` a shed caller is given. @default 1 */
  retryAfterSeconds?: number;
}

export const DEFAULT_HASH_MAX_CONCURRENT = 2;
export const DEFAULT_HASH_MAX_QUEUED = 32;
export const DEFAULT_HASH_RETRY_AFTER_SECONDS = 1;

/** A hasher that runs `inner` under the limits; `onShed` counts what was refused. */
export function boundPasswordHasher(
  inner: PasswordHasher,
  limits: PasswordHashingLimits = {},
  onShed: () => void = () => {},
): PasswordHasher {
  const maxConcurrent = limits.maxConcurrent ?? DEFAULT_HASH_MAX_CONCURRENT;
  const maxQueued = limits.maxQueued ?? DEFAULT_HASH_MAX_QUEUED;
  const retryAfterSeconds = limits.retryAfterSeconds ?? DEFAULT_HASH_RETRY_AFTER_SECONDS;
  let running = 0;
  const waiting: Array<() => void> = [];

  async function run<T>(work: () => Promise<T>): Promise<T> {
    if (running >= maxConcurrent) {
      if (waiting.length >= maxQueued) {
        onShed();
        throw new IdentityBusyError(retryAfterSeconds);
      }
      // The slot is handed over by the finishing call, so `running` never dips and refills.
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else running++;
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  }

  return {
    hash: (password) => run(() => inner.hash(password)),
    verify: (hash, password) => run(() => inner.verify(hash, password)),
  };
}
