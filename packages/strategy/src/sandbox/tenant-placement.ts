/**
 * @module Which live sandbox process holds a tenant: rendezvous hashing of its id over the process
 * indices, so the answer is the same after every restart and moves few tenants when the count
 * changes.
 */
import { createHash } from 'node:crypto';

/** The weight of (slot, tenant) for rendezvous placement: the first 6 bytes of SHA-256. */
function weight(slot: number, tenant: string): number {
  return createHash('sha256').update(String(slot)).update('\u0000').update(tenant).digest().readUIntBE(0, 6);
}

/** The process index of `tenant` among `count` (rendezvous: stable, and moves little when count changes). */
export function placeTenant(tenant: string, count: number): number {
  let best = 0;
  for (let i = 1; i < count; i++) if (weight(i, tenant) > weight(best, tenant)) best = i;
  return best;
}
