/**
 * @module Password hashing: argon2id through `@node-rs/argon2` (a prebuilt N-API binding, runs
 * on libuv's thread pool so hashing never blocks the event loop). A port so tests can use a
 * cheap hasher.
 */
import { hash, verify } from '@node-rs/argon2';

/** Hashes and checks passwords. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password and for a hash this hasher cannot read. */
  verify(hash: string, password: string): Promise<boolean>;
}

/** argon2id cost parameters. */
export interface Argon2Options {
  /** KiB of memory per hash. @default 19_456 (19 MiB, OWASP's minimum for argon2id) */
  memoryCostKib?: number;
  /** Passes. @default 2 */
  timeCost?: number;
  /** Lanes. @default 1 */
  parallelism?: number;
}

export const DEFAULT_ARGON2_MEMORY_KIB = 19_456;
export const DEFAULT_ARGON2_TIME_COST = 2;
export const DEFAULT_ARGON2_PARALLELISM = 1;

/** argon2id; the PHC string carries its parameters, so old hashes verify after a cost change. */
export function createArgon2Hasher(options: Argon2Options = {}): PasswordHasher {
  // argon2id is the binding's default algorithm (its `Algorithm` is an ambient const enum, which
  // type stripping cannot inline), and verify() checks the PHC prefix of the stored hash.
  const params = {
    memoryCost: options.memoryCostKib ?? DEFAULT_ARGON2_MEMORY_KIB,
    timeCost: options.timeCost ?? DEFAULT_ARGON2_TIME_COST,
    parallelism: options.parallelism ?? DEFAULT_ARGON2_PARALLELISM,
  };
  return {
    hash: (password) => hash(password, params),
    async verify(stored, password) {
      try {
        return await verify(stored, password);
      } catch {
        return false;
      }
    },
  };
}
