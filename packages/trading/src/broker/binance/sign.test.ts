import { describe, expect, it } from 'vitest';
import { classifyBinanceError, retryAfterMs } from './map-error.ts';
import { encodeParams, hmacSha256Hex, signedQuery, toDecimalString, wsSignaturePayload } from './sign.ts';

describe('binance signing', () => {
  it("matches the HMAC example of Binance's request-security docs", () => {
    // The documented example key and query (developers.binance.com, SIGNED endpoint examples).
    const secret = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
    const payload =
      'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
    expect(hmacSha256Hex(secret, payload)).toBe(
      'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71',
    );
    expect(signedQuery(secret, payload)).toBe(
      `${payload}&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71`,
    );
  });

  it("matches the HMAC example of the WebSocket API's SIGNED request docs (params sorted by name)", () => {
    const secret = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
    const payload = wsSignaturePayload({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.01000000',
      price: '52000.00',
      recvWindow: 100,
      timestamp: 1645423376532,
      apiKey: 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A',
      signature: 'ignored',
    });
    expect(payload).toBe(
      'apiKey=vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A&price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL&symbol=BTCUSDT&timeInForce=GTC&timestamp=1645423376532&type=LIMIT',
    );
    expect(hmacSha256Hex(secret, payload)).toBe('aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24');
  });

  it('encodes parameters in order, skipping undefined, and writes numbers without exponents', () => {
    expect(
      encodeParams({ symbol: 'BTCUSDT', price: undefined, newClientOrderId: 'a/b:c', quantity: '1' }),
    ).toBe('symbol=BTCUSDT&newClientOrderId=a%2Fb%3Ac&quantity=1');
    expect(toDecimalString(0.00000123)).toBe('0.00000123');
    expect(toDecimalString(12.5)).toBe('12.5');
  });
});

describe('binance errors - what an answer means', () => {
  const cases: Array<
    [string, Parameters<typeof classifyBinanceError>[0], ReturnType<typeof classifyBinanceError>]
  > = [
    [
      '-2010 insufficient balance',
      { status: 400, code: -2010, msg: 'Account has insufficient balance for requested action.' },
      { kind: 'rejected', reason: 'insufficient_funds' },
    ],
    ['-2010 duplicate', { status: 400, code: -2010, msg: 'Duplicate order sent.' }, { kind: 'duplicate' }],
    [
      '-2010 market closed',
      { status: 400, code: -2010, msg: 'Market is closed.' },
      { kind: 'rejected', reason: 'market_closed' },
    ],
    [
      '-2010 other',
      { status: 400, code: -2010, msg: 'Order would immediately match and take.' },
      { kind: 'rejected', reason: 'venue_error' },
    ],
    [
      '-1121 invalid symbol',
      { status: 400, code: -1121, msg: 'Invalid symbol.' },
      { kind: 'rejected', reason: 'unknown_symbol' },
    ],
    [
      '-1013 filter failure',
      { status: 400, code: -1013, msg: 'Filter failure: LOT_SIZE' },
      { kind: 'rejected', reason: 'invalid_order' },
    ],
    [
      '-1111 precision',
      { status: 400, code: -1111, msg: 'Precision is over the maximum defined for this asset.' },
      { kind: 'rejected', reason: 'invalid_order' },
    ],
    [
      '-1021 timestamp',
      { status: 400, code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' },
      { kind: 'clock', reason: 'clock_skew' },
    ],
    [
      '-1022 signature',
      { status: 400, code: -1022, msg: 'Signature for this request is not valid.' },
      { kind: 'rejected', reason: 'auth_failed' },
    ],
    [
      '-2015 key',
      { status: 401, code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' },
      { kind: 'rejected', reason: 'auth_failed' },
    ],
    [
      '429',
      { status: 429, code: -1003, msg: 'Too much request weight used' },
      { kind: 'rejected', reason: 'rate_limited' },
    ],
    [
      '418 ban',
      { status: 418, code: -1003, msg: 'Way too much request weight used; IP banned' },
      { kind: 'rejected', reason: 'rate_limited' },
    ],
    [
      '-1015 orders',
      { status: 400, code: -1015, msg: 'Too many new orders.' },
      { kind: 'rejected', reason: 'rate_limited' },
    ],
    ['503 no body', { status: 503 }, { kind: 'unknown' }],
    [
      '-1007 timeout',
      { status: 400, code: -1007, msg: 'Timeout waiting for response from backend server.' },
      { kind: 'unknown' },
    ],
    ['403 WAF', { status: 403 }, { kind: 'rejected', reason: 'auth_failed' }],
  ];
  it.each(cases)('%s', (_name, answer, meaning) => {
    expect(classifyBinanceError(answer)).toEqual(meaning);
  });

  it('reads Retry-After seconds', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
