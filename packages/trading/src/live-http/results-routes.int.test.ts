import type { StrategyDefinition } from '@tickline/strategy/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveTestApp, type LiveTestApp } from '../testing/live-test-app.ts';

const SYMBOL = 'BTC-USDT';
/** Buys 1 when flat, sells it on the next candle: a closed trade every two candles. */
const flipper: StrategyDefinition = {
  onCandle: (ctx) => {
    if (ctx.position().qty > 0) ctx.sell({ qty: 1, reason: 'take' });
    else ctx.buy({ qty: 1, reason: 'entry' });
  },
};

describe('live routes - closed trades and profit', () => {
  let t: LiveTestApp;
  let price = 100;
  const as = (user: string) => ({ 'x-api-key': `user:${user}` });
  const get = (url: string, user = 'ada') => t.app.inject({ url: `/api/v1/${url}`, headers: as(user) });
  const candle = () => t.nextCandle(SYMBOL, (price += 10));

  beforeAll(async () => {
    t = await createLiveTestApp({
      portfolios: { pa: 'ada' },
      prices: { [SYMBOL]: 100 },
      strategies: { 's1@1': flipper },
    });
    const enabled = await t.enableRun('ada', { strategyId: 's1', portfolioId: 'pa', symbol: SYMBOL });
    expect(enabled.statusCode).toBe(201);
    // Five candles: two closed trades and one open position.
    for (let i = 0; i < 5; i++) await candle();
  });
  afterAll(() => t?.close());

  it('pages the closed trades, newest first, with quantity, fees and duration', async () => {
    const first = await get('portfolios/pa/trades?limit=1');
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.total).toBe(2);
    expect(page1.trades).toHaveLength(1);
    const newest = page1.trades[0];
    expect(newest).toMatchObject({ run: 's1', symbol: SYMBOL, direction: 'long', quantity: 1 });
    expect(newest.exitPrice).toBeGreaterThan(newest.entryPrice);
    // The test app's clock stands still: every fill has one time, so the order placed decides.
    expect(newest.durationMs).toBe(0);
    expect(newest.profit).toBeCloseTo(newest.exitPrice - newest.entryPrice - newest.fees, 8);
    const page2 = (await get(`portfolios/pa/trades?limit=1&cursor=${page1.nextCursor}`)).json();
    expect(page2.trades).toHaveLength(1);
    expect(page2.nextCursor).toBeUndefined();
    expect(page2.trades[0].id).not.toBe(newest.id);
    expect(page2.trades[0].exitTime).toBeLessThanOrEqual(newest.exitTime);
    const run = (await get('live-strategies/pa:s1/trades')).json();
    expect(run.trades.map((x: { id: string }) => x.id)).toEqual([newest.id, page2.trades[0].id]);
    const other = (await get('portfolios/pa/trades?run=s2')).json();
    expect(other).toEqual({ trades: [], total: 0 });
  });

  it('sums realized and unrealized without the open buy fee in realized', async () => {
    const { trades } = (await get('portfolios/pa/trades')).json();
    const realized = trades.reduce((s: number, x: { profit: number }) => s + x.profit, 0);
    const res = await get('live-strategies/pa:s1/profit');
    expect(res.statusCode).toBe(200);
    const { profit } = res.json();
    expect(profit).toMatchObject({ trades: 2, wins: 2, losses: 0, openTrades: 1 });
    // The open position was bought on the last candle: only its fee is below zero, unrealized.
    expect(profit.realized).toBeCloseTo(realized, 8);
    expect(profit.byPair.map((b: { key: string }) => b.key)).toEqual([SYMBOL]);
    expect(profit.byDay).toHaveLength(1);
    expect(profit.byExitReason[0].key).toBe('exit_signal');
    const portfolio = (await get('portfolios/pa/profit')).json().profit;
    expect(portfolio).toEqual(profit);
  });

  it('refuses a bad cursor with a stable code and others’ portfolios as missing', async () => {
    const bad = await get('portfolios/pa/trades?cursor=nope');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('STRATEGY_LIVE_TRADES_CURSOR');
    expect((await get('portfolios/pa/profit', 'bob')).statusCode).toBe(404);
    expect((await get('live-strategies/pa:s1/trades', 'bob')).statusCode).toBe(404);
  });
});
