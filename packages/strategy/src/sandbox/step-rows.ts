/**
 * @module The rows of a live step message (live-wire.ts `StepPayload`): STEP_ROW numbers per run,
 * each tenant's runs together so the process enters each tenant's isolate once.
 */
import { type LiveCandle, unhealthyFeed } from '../live/live-engine.ts';
import { STEP_ROW } from './isolate-live.ts';

/** A step asked of a run: its handle in the process, its tenant, the feed and the candle. */
export interface StepEntry {
  session: { readonly tenant: string; readonly handle: number };
  f: number;
  candle: LiveCandle;
}

/** The rows of a step message: entries of one tenant together, in the order they were asked. */
export function stepRows<P extends StepEntry>(entries: readonly P[]): { rows: Float64Array; order: P[] } {
  const byTenant = new Map<string, P[]>();
  for (const p of entries) {
    const list = byTenant.get(p.session.tenant);
    if (list === undefined) byTenant.set(p.session.tenant, [p]);
    else list.push(p);
  }
  const order = byTenant.size === entries.length ? [...entries] : [...byTenant.values()].flat();
  const rows = new Float64Array(order.length * STEP_ROW);
  for (let i = 0, o = 0; i < order.length; i++, o += STEP_ROW) {
    const { session, f, candle: c } = order[i]!;
    rows[o] = session.handle;
    // An unhealthy run's feed index is negative: the flag crosses in the same number.
    rows[o + 1] = c.dataHealthy === false ? unhealthyFeed(f) : f;
    rows[o + 2] = c.openTime;
    rows[o + 3] = c.closeTime;
    rows[o + 4] = c.open;
    rows[o + 5] = c.high;
    rows[o + 6] = c.low;
    rows[o + 7] = c.close;
    rows[o + 8] = c.volume;
  }
  return { rows, order };
}
