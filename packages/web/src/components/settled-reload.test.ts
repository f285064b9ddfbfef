import { describe, expect, it } from 'vitest';
import { EVENT_SETTLE_MS, MIN_RELOAD_GAP_MS, nextReloadAt } from './settled-reload.ts';

describe('settled reload', () => {
  it('answers a first burst once it settles', () => {
    expect(nextReloadAt(1_000, -Infinity)).toBe(1_000 + EVENT_SETTLE_MS);
  });

  it('events every second re-read at most once per gap: 10 a minute, not 60', () => {
    let last = -Infinity;
    let pending: number | undefined;
    let reloads = 0;
    for (let t = 0; t < 60_000; t += 100) {
      if (pending !== undefined && t >= pending) {
        reloads++;
        last = t;
        pending = undefined;
      }
      // An event each second (a 1-second strategy's orders): the timer is set again on each.
      if (t % 1_000 === 0) pending = nextReloadAt(t, last);
    }
    expect(reloads).toBeLessThanOrEqual(60_000 / MIN_RELOAD_GAP_MS);
    expect(reloads).toBeGreaterThanOrEqual(60_000 / MIN_RELOAD_GAP_MS - 1);
  });

  it('a quiet page answers the next burst after it settles, the gap long past', () => {
    expect(nextReloadAt(60_000, 1_000)).toBe(60_000 + EVENT_SETTLE_MS);
  });
});
