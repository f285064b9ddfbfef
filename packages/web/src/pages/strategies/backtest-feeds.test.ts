import { describe, expect, it } from 'vitest';
import { extraFeeds } from './backtest-feeds.ts';

describe('backtest extra feeds', () => {
  it('pairs each row’s symbol with its interval, trimmed and upper-cased, in order', () => {
    expect(extraFeeds([' eth-usdt ', 'SOL-USDT'], ['1m', '1h'])).toEqual([
      { symbol: 'ETH-USDT', interval: '1m' },
      { symbol: 'SOL-USDT', interval: '1h' },
    ]);
  });

  it('drops rows left blank and sends nothing when no row is filled', () => {
    expect(extraFeeds(['', 'ETH-USDT', '  '], ['1m', '5m', '1h'])).toEqual([
      { symbol: 'ETH-USDT', interval: '5m' },
    ]);
    expect(extraFeeds(['', ' '], ['1m', '1m'])).toBeUndefined();
    expect(extraFeeds([], [])).toBeUndefined();
  });
});
