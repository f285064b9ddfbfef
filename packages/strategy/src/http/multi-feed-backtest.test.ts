import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStrategyTestApp, HOUR, T0, waveCandles, type StrategyTestApp } from '../testing/strategy-test-app.ts';

/** Names every feed the run hands it, once, in the run's log. */
const FEEDS_SOURCE = `export default defineStrategy({
  onCandle(ctx) {
    if (ctx.feed.index === 0) ctx.log('first candle of ' + ctx.feed.symbol + ' ' + ctx.feed.interval);
  },
});`;

/** `POST /backtests` with several feeds, as a live run takes them. */
describe('multi-feed backtests', () => {
  let t: StrategyTestApp;
  beforeAll(async () => {
    t = await createStrategyTestApp({ candles: [...waveCandles('BTC-USDT', 200), ...waveCandles('ETH-USDT', 200)] });
  }, 120_000);
  afterAll(() => t?.close());

  it('hands the strategy every feed and refuses a feed without history, queuing nothing', { timeout: 120_000 }, async () => {
    const user = await t.user();
    const call = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
      t.app.inject({ method, url: `/api/v1${url}`, headers: user.auth, ...(payload ? { payload } : {}) });
    const strategyId = (await call('POST', '/strategies', { name: 'feeds', source: FEEDS_SOURCE })).json().strategy.id;
    const body = { strategyId, symbol: 'BTC-USDT', interval: '1h', from: T0, to: T0 + 200 * HOUR };
    const queued = await call('POST', '/backtests', { ...body, feeds: [{ symbol: 'ETH-USDT', interval: '1h' }] });
    expect(queued.statusCode, queued.body).toBe(202);
    const id = queued.json().backtest.id as string;
    let detail: Record<string, any> = {};
    for (const deadline = Date.now() + 100_000; Date.now() < deadline; ) {
      detail = (await call('GET', `/backtests/${id}`)).json();
      if (!['queued', 'running'].includes(detail.backtest.status)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(detail.backtest.status).toBe('succeeded');
    const logged = JSON.stringify(detail);
    expect(logged).toContain('first candle of BTC-USDT 1h');
    expect(logged).toContain('first candle of ETH-USDT 1h');

    const before = (await call('GET', '/backtests')).json().backtests.length;
    const missing = await call('POST', '/backtests', { ...body, feeds: [{ symbol: 'SOL-USDT', interval: '1h' }] });
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'MARKET_SYMBOL_NOT_FOUND']);
    expect((await call('GET', '/backtests')).json().backtests.length).toBe(before);
  });
});
