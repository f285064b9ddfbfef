/**
 * Share symbols (`AAPL.US`, `005930.KS`) through the strategy package's routes: backtests, history
 * downloads and uploads, and the gate's feed all take protocol's one SymbolSchema; a malformed
 * symbol is the same 400 HTTP_BAD_REQUEST a malformed pair always was.
 */
import { uuidv7 } from '@tickline/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMA_CROSS_SOURCE } from '../examples/sma-cross.ts';
import {
  createStrategyTestApp,
  HOUR,
  T0,
  waveCandles,
  type StrategyTestApp,
} from '../testing/strategy-test-app.ts';

const BARS = 60;
/** Lower case, a five-digit KRX code, a glued pair: each refused by the schema. */
const MALFORMED = ['aapl.us', '5930.KS', 'AAPLUS'];

describe('share symbols on the strategy routes', () => {
  let t: StrategyTestApp;
  let user: Record<string, string>;
  let admin: Record<string, string>;
  let strategyId: string;

  const call = (auth: Record<string, string>, method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: auth, ...(payload ? { payload } : {}) });
  const codeOf = async (reply: ReturnType<typeof call>) => (await reply).json().error?.code as string;

  beforeAll(async () => {
    t = await createStrategyTestApp({ candles: waveCandles('AAPL.US', BARS, 'alpaca') });
    user = (await t.user()).auth;
    admin = (await t.admin()).auth;
    const created = await call(user, 'POST', '/strategies', { name: 'sma', source: SMA_CROSS_SOURCE });
    expect(created.statusCode, created.body).toBe(201);
    strategyId = created.json().strategy.id;
  }, 120_000);
  afterAll(() => t?.close());

  it('backtests - a share with stored history is queued; a malformed symbol is a 400', async () => {
    const body = (symbol: string) => ({ strategyId, symbol, interval: '1h', from: T0, to: T0 + BARS * HOUR });
    const queued = await call(user, 'POST', '/backtests', { ...body('AAPL.US'), exchange: 'alpaca' });
    expect(queued.statusCode, queued.body).toBe(202);
    expect(queued.json().backtest).toMatchObject({ symbol: 'AAPL.US' });
    // A share in `feeds` passes the schema and reaches the data check (nothing stored for it).
    const feeds = await call(user, 'POST', '/backtests', {
      ...body('AAPL.US'),
      feeds: [{ symbol: '005930.KS', interval: '1h' }],
    });
    expect(feeds.json().error.code).toMatch(/^(MARKET_SYMBOL_NOT_FOUND|STRATEGY_NO_DATA)$/);
    for (const symbol of MALFORMED) {
      expect(await codeOf(call(user, 'POST', '/backtests', body(symbol))), symbol).toBe('HTTP_BAD_REQUEST');
      const inFeeds = call(user, 'POST', '/backtests', {
        ...body('AAPL.US'),
        feeds: [{ symbol, interval: '1h' }],
      });
      expect(await codeOf(inFeeds), symbol).toBe('HTTP_BAD_REQUEST');
    }
  });

  it('history downloads - a share passes the schema to the range check; a malformed one is a 400', async () => {
    // An empty range: refused by the downloader itself, so no venue is called.
    const ask = (symbol: string) => ({
      venue: 'binance',
      symbol,
      interval: '1d',
      from: '2026-01-02T00:00:00Z',
      to: '2026-01-01T00:00:00Z',
    });
    expect(await codeOf(call(user, 'POST', '/history/downloads', ask('AAPL.US')))).toBe(
      'STRATEGY_DOWNLOAD_RANGE',
    );
    expect(await codeOf(call(user, 'POST', '/history/downloads', ask('005930.KS')))).toBe(
      'STRATEGY_DOWNLOAD_RANGE',
    );
    for (const symbol of MALFORMED)
      expect(await codeOf(call(user, 'POST', '/history/downloads', ask(symbol))), symbol).toBe(
        'HTTP_BAD_REQUEST',
      );
  });

  it('history uploads - an upload of a share starts; a malformed symbol is a 400', async () => {
    const started = await call(admin, 'POST', '/history/uploads', { symbol: 'BRK.B.US', interval: '1m' });
    expect(started.statusCode, started.body).toBe(201);
    expect(started.json().upload).toMatchObject({ symbol: 'BRK.B.US' });
    for (const symbol of MALFORMED) {
      const refused = call(admin, 'POST', '/history/uploads', { symbol, interval: '1m' });
      expect(await codeOf(refused), symbol).toBe('HTTP_BAD_REQUEST');
    }
  });

  it("the gate - a share's feed is read; a malformed feed is a 400", async () => {
    const gate = (feed: string) =>
      call(user, 'GET', `/strategies/${uuidv7()}/versions/1/gate?feed=${encodeURIComponent(feed)}`);
    expect(await codeOf(gate('005930.KS:1d'))).toBe('STRATEGY_NOT_FOUND');
    for (const symbol of MALFORMED)
      expect(await codeOf(gate(`${symbol}:1d`)), symbol).toBe('HTTP_BAD_REQUEST');
  });
});
