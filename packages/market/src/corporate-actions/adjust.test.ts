import { describe, expect, it } from 'vitest';
import { adjustBars, adjustmentsOf, splitContradiction, type CorporateAction } from './adjust.ts';

const bar = (openTime: number, price: number) => ({
  openTime,
  open: price,
  high: price,
  low: price,
  close: price,
  volume: 10,
});
const action = (over: Partial<CorporateAction>): CorporateAction => ({
  id: 1,
  symbol: 'AAPL.US',
  kind: 'split',
  exDate: '2025-01-01',
  exTime: 100,
  ratio: 2,
  amount: null,
  source: 'import',
  status: 'applied',
  reason: null,
  dataVersion: 1,
  ...over,
});

describe('corporate actions - adjust', () => {
  it('adjust - splits multiply into every earlier bar, later bars stay as they are', () => {
    const bars = [bar(0, 800), bar(100, 400), bar(200, 100)];
    const adjustments = adjustmentsOf(
      [action({ exTime: 200, ratio: 4 }), action({ exTime: 100, ratio: 2 })],
      'split',
    );
    const out = adjustBars(bars, adjustments);
    expect(out.map((b) => b.close)).toEqual([100, 100, 100]);
    expect(out.map((b) => b.volume)).toEqual([80, 40, 10]);
    expect(out[2]).toBe(bars[2]);
  });

  it('adjust - raw reads and flagged actions change nothing; dividends only in total', () => {
    const bars = [bar(0, 100), bar(100, 98)];
    const dividend = action({ kind: 'dividend', ratio: null, amount: 2 });
    expect(adjustmentsOf([action({})], 'none')).toEqual([]);
    expect(adjustmentsOf([action({ status: 'flagged' })], 'split')).toEqual([]);
    expect(adjustmentsOf([dividend], 'split', () => 100)).toEqual([]);
    expect(adjustBars(bars, adjustmentsOf([dividend], 'total', () => 100)).map((b) => b.close)).toEqual([98, 98]);
    // No close before the ex date: no bar precedes it, so there is nothing to adjust.
    expect(adjustmentsOf([dividend], 'total', () => undefined)).toEqual([]);
  });

  it('adjust - a split with no price jump is a contradiction, one with the jump is not', () => {
    expect(splitContradiction(2, 100, 50.5)).toBeNull();
    expect(splitContradiction(0.1, 5, 49)).toBeNull();
    expect(splitContradiction(2, 100, 99)).toMatch(/no price jump.*expects about 50/);
  });
});
