/**
 * @module Strikes per tenant: a tenant whose code got processes killed `max` times within `windowMs`
 * is refused for `suspendMs`. Without it one account could keep every process of the pool busy
 * dying and restarting.
 */
export interface StrikePolicy {
  /** Kills within the window that suspend the tenant. @default 3 */
  max: number;
  /** @default 600_000 (10 minutes) */
  windowMs: number;
  /** @default 300_000 (5 minutes) */
  suspendMs: number;
}

export const DEFAULT_STRIKES: Readonly<StrikePolicy> = Object.freeze({
  max: 3,
  windowMs: 600_000,
  suspendMs: 300_000,
});

/** Tenants tracked at most; the oldest is forgotten first (memory stays bounded). */
const MAX_TENANTS = 10_000;

export class StrikeBook {
  readonly #policy: StrikePolicy;
  readonly #now: () => number;
  readonly #kills = new Map<string, number[]>();
  readonly #suspendedUntil = new Map<string, number>();

  constructor(policy: StrikePolicy, now: () => number = Date.now) {
    this.#policy = policy;
    this.#now = now;
  }

  /** Milliseconds the tenant is still refused for, or 0. */
  suspendedFor(tenant: string): number {
    const until = this.#suspendedUntil.get(tenant);
    if (until === undefined) return 0;
    const left = until - this.#now();
    if (left > 0) return left;
    this.#suspendedUntil.delete(tenant);
    return 0;
  }

  /** Counts a kill caused by the tenant's code; true when that suspends it. */
  strike(tenant: string): boolean {
    const now = this.#now();
    const recent = (this.#kills.get(tenant) ?? []).filter((t) => t > now - this.#policy.windowMs);
    recent.push(now);
    this.#kills.delete(tenant);
    this.#kills.set(tenant, recent);
    if (this.#kills.size > MAX_TENANTS) this.#kills.delete(this.#kills.keys().next().value!);
    if (recent.length < this.#policy.max) return false;
    this.#kills.delete(tenant);
    this.#suspendedUntil.set(tenant, now + this.#policy.suspendMs);
    if (this.#suspendedUntil.size > MAX_TENANTS)
      this.#suspendedUntil.delete(this.#suspendedUntil.keys().next().value!);
    return true;
  }
}
