import { describe, expect, it } from 'vitest';
import { ratesOf } from './stream-overview.ts';

const NOW = 1_000_000;
const records = (times: number[], type = 't') => times.map((time) => ({ type, time }));

describe('stream rates', () => {
  it('rates - count the records of the window per type, per second of the window', () => {
    const rates = ratesOf(
      [...records([NOW - 70_000]), ...records([NOW - 30_000, NOW - 10_000], 'a'), ...records([NOW - 1])],
      NOW,
      60_000,
      false,
    );
    expect(rates).toEqual({
      windowMs: 60_000,
      total: 3,
      perSecond: 3 / 60,
      byType: [
        { type: 'a', count: 2, perSecond: 2 / 60 },
        { type: 't', count: 1, perSecond: 1 / 60 },
      ],
    });
  });

  it('rates - a full sample starting inside the window rates over the span it covers', () => {
    const rates = ratesOf(records([NOW - 2_000, NOW - 1_000, NOW]), NOW, 60_000, true);
    expect(rates.windowMs).toBe(2_000);
    expect(rates.perSecond).toBe(1.5);
  });

  it('rates - an empty log has no rates', () => {
    expect(ratesOf([], NOW, 60_000, false)).toEqual({ windowMs: 60_000, total: 0, perSecond: 0, byType: [] });
  });
});
