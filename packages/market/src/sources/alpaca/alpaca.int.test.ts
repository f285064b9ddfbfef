import { describe, expect, it } from 'vitest';
import { validateTrade } from '../../normalize/validate-trade.ts';
import { createHttpGetJson } from '../network/http-get.ts';
import type { NetworkSourceOptions } from '../network/options.ts';
import { AlpacaMock, type AlpacaMockBar, type AlpacaMockOptions } from '../testing/alpaca-mock.ts';
import { FAST_RESILIENCE, testServiceContext, type MockedSource } from '../testing/harness.ts';
import { SourceProbe } from '../testing/source-probe.ts';
import { mockedSourceFixture } from '../testing/mocked-source-fixture.ts';
import { alpacaBackfill } from './backfill.ts';
import { createAlpacaFetch } from './rest.ts';
import { createAlpacaSource } from './source.ts';

const KEYS = { keyId: 'mock-key', secretKey: 'mock-secret' };
const T0 = Date.UTC(2026, 10, 24, 15, 0); // 10:00 ET, a Tuesday session
const MINUTE = 60_000;

const sources = mockedSourceFixture();

async function setup(
  options: NetworkSourceOptions & { keyId?: string } = {},
  mockOptions: AlpacaMockOptions = {},
): Promise<MockedSource<AlpacaMock>> {
  return sources.start(
    new AlpacaMock(mockOptions),
    (o) => createAlpacaSource({ ...KEYS, ...o, ...(options.keyId ? { keyId: options.keyId } : {}) }),
    options,
    { symbols: ['AAPL.US'], kinds: ['trade'] },
  );
}

function bar(at: number, close: number): AlpacaMockBar {
  return {
    t: new Date(at).toISOString().replace('.000Z', 'Z'),
    o: close,
    h: close + 1,
    l: close - 1,
    c: close,
    v: 100,
    n: 5,
    vw: close,
  };
}

describe('alpaca source against a loopback mock', () => {
  it('auth - the key and secret go in the auth message first, then the subscribe for the bare ticker', async () => {
    const { mock } = await setup();
    const conn = mock.connections[0]!;
    expect(conn.url.pathname).toBe('/v2/iex');
    await mock.waitFor((e) => e.type === 'sent' && e.text.includes('"T":"subscription"') && e);
    expect(conn.received.map((t) => JSON.parse(t))).toEqual([
      { action: 'auth', key: 'mock-key', secret: 'mock-secret' },
      { action: 'subscribe', trades: ['AAPL'] },
    ]);
    expect(mock.tradesOf(conn)).toEqual(['AAPL']);
  });

  it('normalize - trades become AAPL.US; a trade failing validation arrives with its reason to quarantine', async () => {
    const { mock, probe } = await setup();
    await mock.waitFor((e) => e.type === 'sent' && e.text.includes('"T":"subscription"') && e);
    mock.trade('AAPL', { i: 1, p: 226.5, s: 10, t: new Date(T0).toISOString() });
    mock.trade('AAPL', { i: 2, p: 'abc', s: 10, t: new Date(T0 + 1).toISOString() });
    await probe.untilTrade('V-2');
    const [good, bad] = probe.trades();
    expect(good).toMatchObject({
      exchange: 'alpaca',
      symbol: 'AAPL.US',
      tradeId: 'V-1',
      price: 226.5,
      size: 10,
      exchangeTime: T0,
    });
    const rules = { knownSymbols: new Set(['AAPL.US']) };
    expect(validateTrade({ ...good!, exchangeTime: T0, receivedAt: T0 }, rules)).toMatchObject({ ok: true });
    expect(validateTrade({ ...bad!, receivedAt: T0 }, rules)).toEqual({
      ok: false,
      reason: 'price_not_finite',
    });
  });

  it('auth failure - a wrong key is answered 402 and closed; the error is counted, no data flows', async () => {
    const mock = await new AlpacaMock().listen();
    const source = createAlpacaSource({
      ...FAST_RESILIENCE,
      url: mock.wsUrl,
      restUrl: mock.restUrl,
      keyId: 'wrong',
      secretKey: 'x',
    });
    sources.afterTest(async () => {
      await source.stop();
      await mock.close();
    });
    const probe = new SourceProbe(source);
    const closed = mock.waitFor((e) => e.type === 'close' && e.code);
    await source.subscribe(['AAPL.US'], ['trade']);
    await source.start(testServiceContext);
    expect(await closed).toBe(1008);
    expect(mock.connections[0]!.received.map((t) => JSON.parse(t))).toEqual([
      { action: 'auth', key: 'wrong', secret: 'x' },
      { action: 'subscribe', trades: ['AAPL'] },
    ]);
    await mock.nextConnection(); // it tries again, with backoff
    expect(source.stats.venueErrors).toBeGreaterThanOrEqual(1);
    expect(probe.trades()).toEqual([]);
  });

  it('backfill - bars are read page by page through next_page_token with the key headers', async () => {
    const mock = await new AlpacaMock().listen();
    try {
      mock.bars.set(
        'AAPL',
        [0, 1, 2, 3, 4].map((m) => bar(T0 + m * MINUTE, 200 + m)),
      );
      const get = createHttpGetJson(createAlpacaFetch(KEYS));
      const candles = await alpacaBackfill('iex', 2)(
        { symbol: 'AAPL.US', interval: '1m', fromOpen: T0 + MINUTE, toOpen: T0 + 4 * MINUTE },
        mock.restUrl,
        get,
      );
      expect(candles.map((c) => [c.symbol, c.openTime, c.close])).toEqual([
        ['AAPL.US', T0 + MINUTE, 201],
        ['AAPL.US', T0 + 2 * MINUTE, 202],
        ['AAPL.US', T0 + 3 * MINUTE, 203],
      ]);
      expect(mock.restRequests.map((u) => u.searchParams.get('page_token'))).toEqual([
        null,
        expect.any(String),
      ]);
      expect(Object.fromEntries(mock.restRequests[0]!.searchParams)).toMatchObject({
        timeframe: '1Min',
        start: new Date(T0 + MINUTE).toISOString(),
        feed: 'iex',
      });
      // Without the headers Alpaca answers 401.
      await expect(createHttpGetJson()(`${mock.restUrl}/v2/stocks/AAPL/bars?timeframe=1Min`)).rejects.toThrow(
        /401/,
      );
    } finally {
      await mock.close();
    }
  });

  it('rate limit - a spent window (X-RateLimit-Remaining 0) is waited out to its reset; a 429 is retried after it', async () => {
    const mock = await new AlpacaMock({ rateLimit: 2, rateWindowMs: 1_000 }).listen();
    try {
      mock.bars.set(
        'AAPL',
        [0, 1, 2, 3, 4].map((m) => bar(T0 + m * MINUTE, 200 + m)),
      );
      const get = createHttpGetJson(createAlpacaFetch(KEYS));
      const request = { symbol: 'AAPL.US', interval: '1m' as const, fromOpen: T0, toOpen: T0 + 5 * MINUTE };
      const candles = await alpacaBackfill('iex', 2)(request, mock.restUrl, get);
      expect(candles).toHaveLength(5);
      expect(mock.restRequests).toHaveLength(3);
      expect(mock.rateLimited).toBe(0);
      const resetSec = Math.ceil(Date.now() / 1000) + 1;
      mock.failRest(1, {
        status: 429,
        body: { message: 'too many requests.' },
        headers: { 'x-ratelimit-reset': String(resetSec), 'x-ratelimit-remaining': '0' },
      });
      await expect(alpacaBackfill('iex')(request, mock.restUrl, get)).resolves.toHaveLength(5);
      expect(mock.restRequests).toHaveLength(5);
    } finally {
      await mock.close();
    }
  });

  it('backfill through the source - a scheduled backfill arrives as AAPL.US candles', async () => {
    const { mock, source, probe } = await setup();
    mock.bars.set('AAPL', [bar(T0, 200), bar(T0 + MINUTE, 201)]);
    source.requestBackfill('AAPL.US', T0, T0 + 2 * MINUTE);
    await source.backfillsSettled();
    await probe.untilMessage((m) => m.kind === 'candle' && m.candle.openTime === T0 + MINUTE);
    expect(mock.restRequests[0]!.pathname).toBe('/v2/stocks/AAPL/bars');
  });

  it('updated bars - a minute sent again after late trades (T:u) arrives as the same minute with its new values', async () => {
    const { mock, probe } = await sources.start(
      new AlpacaMock(),
      (o) => createAlpacaSource({ ...KEYS, ...o }),
      {},
      { symbols: ['AAPL.US'], kinds: ['trade', 'candle'] },
    );
    await mock.waitFor((e) => e.type === 'sent' && e.text.includes('"updatedBars":["AAPL"]') && e);
    mock.bar('AAPL', bar(T0, 200));
    mock.updatedBar('AAPL', { ...bar(T0, 200), c: 200.5, v: 130, n: 7 });
    await probe.untilMessage((m) => m.kind === 'candle' && m.candle.trades === 7);
    const candles = probe.messages.items.flatMap((m) => (m.kind === 'candle' ? [m.candle] : []));
    expect(candles.map((c) => [c.symbol, c.openTime, c.close, c.volume])).toEqual([
      ['AAPL.US', T0, 200, 100],
      ['AAPL.US', T0, 200.5, 130],
    ]);
  });
});
