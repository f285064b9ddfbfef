import { describe, expect, it } from 'vitest';
import { matchPath } from './router.tsx';

describe('router', () => {
  it('router - matches static and :param segments, decoding params', () => {
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/markets', '/markets')).toEqual({});
    expect(matchPath('/markets/:symbol', '/markets/BTC-USDT')).toEqual({ symbol: 'BTC-USDT' });
    expect(matchPath('/markets/:symbol', '/markets/A%2FB')).toEqual({ symbol: 'A/B' });
  });

  it('router - a different length or segment does not match', () => {
    expect(matchPath('/markets/:symbol', '/markets')).toBeNull();
    expect(matchPath('/markets', '/markets/BTC-USDT')).toBeNull();
    expect(matchPath('/game', '/admin')).toBeNull();
  });
});
