/**
 * @module Stream connections per user, counted across gateways. Each open connection holds a
 * lease under its user's key; a gateway renews the leases of its connections while they are
 * open, so a gateway that dies without releasing them frees its users' slots once they lapse.
 * The memory adapter counts one gateway; the Redis adapter every gateway sharing the Redis.
 */
import { systemClock, type Clock } from '@tickline/kernel';

/** One connection's hold on a slot. */
export interface ConnectionLease {
  readonly key: string;
  readonly id: string;
}

/** Counts live leases per key. */
export interface ConnectionCounter {
  /** Adds `lease` unless its key already holds `max` live leases. */
  acquire(lease: ConnectionLease, max: number): Promise<boolean>;
  /** Extends leases of connections still open. */
  renew(leases: readonly ConnectionLease[]): Promise<void>;
  release(lease: ConnectionLease): Promise<void>;
}

/** How long a lease lives unrenewed; gateways renew every third of it. */
export const DEFAULT_CONNECTION_LEASE_MS = 60_000;

export interface MemoryConnectionCounterOptions {
  /** @default 60_000 */
  leaseMs?: number;
  /** @default systemClock */
  clock?: Clock;
}

export function createMemoryConnectionCounter(options: MemoryConnectionCounterOptions = {}): ConnectionCounter {
  const leaseMs = options.leaseMs ?? DEFAULT_CONNECTION_LEASE_MS;
  const clock = options.clock ?? systemClock;
  /** key → lease id → expiry. */
  const keys = new Map<string, Map<string, number>>();

  function live(key: string): Map<string, number> {
    const leases = keys.get(key) ?? new Map<string, number>();
    const now = clock.now();
    for (const [id, expiresAt] of leases) if (expiresAt <= now) leases.delete(id);
    return leases;
  }

  return {
    async acquire(lease, max) {
      const leases = live(lease.key);
      if (leases.size >= max) return false;
      leases.set(lease.id, clock.now() + leaseMs);
      keys.set(lease.key, leases);
      return true;
    },
    async renew(leases) {
      const expiresAt = clock.now() + leaseMs;
      for (const lease of leases) keys.get(lease.key)?.set(lease.id, expiresAt);
    },
    async release(lease) {
      const leases = keys.get(lease.key);
      leases?.delete(lease.id);
      if (leases?.size === 0) keys.delete(lease.key);
    },
  };
}
