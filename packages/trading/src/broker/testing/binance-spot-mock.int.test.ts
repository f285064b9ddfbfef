import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeParams, signedQuery } from '../binance/sign.ts';
import { BinanceSpotMock } from './binance-spot-mock.ts';

// The mock must refuse what the venue refuses, or the adapter's tests prove nothing.
describe('binance spot mock - checks requests as the venue does', () => {
  const mock = new BinanceSpotMock({
    apiKey: 'k',
    apiSecret: 's',
    symbols: [
      {
        symbol: 'BTCUSDT',
        base: 'BTC',
        quote: 'USDT',
        lastPrice: 100,
        stepSize: 0.001,
        minQty: 0.001,
        tickSize: 0.01,
        minNotional: 5,
      },
    ],
    balances: { USDT: 1_000 },
  });
  beforeAll(() => mock.start());
  afterAll(() => mock.stop());

  const call = async (query: string, apiKey = 'k'): Promise<{ status: number; body: { code?: number } }> => {
    const response = await fetch(`${mock.url}/api/v3/account?${query}`, {
      headers: { 'X-MBX-APIKEY': apiKey },
    });
    return { status: response.status, body: (await response.json()) as { code?: number } };
  };
  const signed = (params: Record<string, string | number>): string => signedQuery('s', encodeParams(params));

  it('answers a well-signed request in the window', async () => {
    expect(await call(signed({ timestamp: mock.serverTime() }))).toMatchObject({ status: 200 });
  });

  it.each([
    ['a wrong API key', () => call(signed({ timestamp: mock.serverTime() }), 'other'), 401, -2015],
    ['no signature', () => call(encodeParams({ timestamp: mock.serverTime() })), 400, -1102],
    [
      'a parameter changed after signing',
      () => call(`${signed({ timestamp: mock.serverTime() })}`.replace('timestamp=', 'timestamp=1')),
      400,
      -1022,
    ],
    [
      'a timestamp 1 s ahead of the venue',
      () => call(signed({ timestamp: mock.serverTime() + 1_500 })),
      400,
      -1021,
    ],
    [
      'a timestamp older than recvWindow',
      () => call(signed({ recvWindow: 1_000, timestamp: mock.serverTime() - 2_000 })),
      400,
      -1021,
    ],
    [
      'a recvWindow over 60 s',
      () => call(signed({ recvWindow: 60_001, timestamp: mock.serverTime() })),
      400,
      -1131,
    ],
  ])('refuses %s', async (_what, send, status, code) => {
    expect(await send()).toMatchObject({ status, body: { code } });
  });
});
