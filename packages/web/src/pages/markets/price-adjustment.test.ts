import { describe, expect, it } from 'vitest';
import { candlesQuery, defaultAdjustment, isShare } from './price-adjustment.ts';

describe('market chart - price adjustment', () => {
  it('adjustment - shares open split-adjusted, pairs raw; the query asks only what changes anything', () => {
    expect([isShare('AAPL.US'), isShare('BRK.B.US'), isShare('005930.KS'), isShare('BTC-USDT')]).toEqual([true, true, true, false]);
    expect([defaultAdjustment('005930.KS'), defaultAdjustment('BTC-USDT')]).toEqual(['split', 'none']);
    expect(candlesQuery('1d', 500, 'kis', 'split')).toBe('interval=1d&limit=500&exchange=kis&adjust=split');
    expect(candlesQuery('1m', 500, undefined, 'none')).toBe('interval=1m&limit=500');
  });
});
