import { describe, expect, it } from 'vitest';
import { parseFeed } from './feed-syntax.ts';

describe('feed syntax', () => {
  it('feed - reads pairs and shares, any case, with an optional venue', () => {
    expect(parseFeed('btc-usdt:1h')).toEqual({ symbol: 'BTC-USDT', interval: '1h' });
    expect(parseFeed('AAPL.US:1d:alpaca')).toEqual({ symbol: 'AAPL.US', interval: '1d', exchange: 'alpaca' });
    expect(parseFeed('brk.b.us:1h')).toEqual({ symbol: 'BRK.B.US', interval: '1h' });
    expect(parseFeed('005930.KS:1d:kis')).toEqual({ symbol: '005930.KS', interval: '1d', exchange: 'kis' });
  });

  it('feed - refuses a malformed symbol with the usage line', () => {
    for (const text of ['BTCUSDT:1h', 'AAPL.NYSE:1d', '5930.KS:1d', 'AAPL.US'])
      expect(() => parseFeed(text), text).toThrow(/expected SYMBOL:INTERVAL\[:VENUE\]/);
  });
});
