/**
 * @module Memory a tenant's code holds outside its heap (Intl objects, buffers): no isolate limit
 * sees it, so the process watches its own resident size over candle closes. While it keeps
 * growing, each tenant's calls are measured, and a tenant that gained more than its allowance is
 * the one stopped. A module of its own: this bookkeeping is apart from stepping the runs.
 */
import { TicklineError } from '@tickline/kernel';
import { MIB, type Tenant } from './live-tenant.ts';

/** Growth over candle closes past this makes the next ones measure each tenant. */
const SUSPECT_GROWTH = 2 * MIB;

/** Whether the tenants' calls are measured now (see the module comment). */
export class MemoryWatch {
  /** Growth of the process over candle closes not yet traced to a tenant. */
  #untraced = 0;
  /** The process kept growing: each tenant's calls are measured. */
  #measuring = false;

  get measuring(): boolean {
    return this.#measuring;
  }

  /**
   * After a candle close that grew the process by `grown` bytes, `measured` telling whether its
   * tenants were measured: measuring goes on while the process still grows, and starts once the
   * untraced growth is past SUSPECT_GROWTH.
   */
  settle(grown: number, measured: boolean): void {
    if (measured) this.#measuring = grown > SUSPECT_GROWTH / 4;
    else {
      this.#untraced = Math.max(0, this.#untraced + grown);
      this.#measuring = this.#untraced > SUSPECT_GROWTH;
      if (this.#measuring) this.#untraced = 0;
    }
  }
}

/**
 * Counts memory the process gained during a tenant's call; the error its runs stop with when the
 * tenant is over its allowance (and its isolate still there), else undefined.
 */
export function chargeTenant(tenant: Tenant, grown: number): TicklineError | undefined {
  tenant.grownBytes = Math.max(0, tenant.grownBytes + grown);
  if (tenant.grownBytes <= tenant.allowedBytes || tenant.isolate.isDisposed) return undefined;
  return new TicklineError(
    'STRATEGY_MEMORY_LIMIT',
    `the strategy held more than ${Math.round(tenant.allowedBytes / MIB)} MB outside its heap (Intl objects, buffers)`,
    { details: { memoryMb: Math.round(tenant.allowedBytes / MIB) } },
  );
}
