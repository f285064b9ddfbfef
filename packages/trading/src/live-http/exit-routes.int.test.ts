import type { StrategyDefinition } from '@tickline/strategy/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveTestApp, type LiveTestApp } from '../testing/live-test-app.ts';

const SYMBOL = 'BTC-USDT';
/** Buys 1 on every candle. */
const buyer: StrategyDefinition = { onCandle: (ctx) => void ctx.buy({ qty: 1, reason: 'entry' }) };
/** Buys 1 at market on its first candle, then rests a limit buy far below the price. */
const rester: StrategyDefinition = {
  init: () => ({ n: 0 }),
  onCandle: (ctx) => {
    const s = ctx.state as { n: number };
    if (s.n++ === 0) ctx.buy({ qty: 1, reason: 'entry' });
    else if (s.n === 2) ctx.buy({ type: 'limit', qty: 1, price: ctx.close.at(0) * 0.5, reason: 'dip' });
  },
};

describe('live routes - force exit and stop-entry', () => {
  let t: LiveTestApp;
  const as = (user: string) => ({ 'x-api-key': `user:${user}` });
  const post = (url: string, user: string, payload: object = {}) =>
    t.app.inject({ method: 'POST', url: `/api/v1/live-strategies/${url}`, headers: as(user), payload });
  const candle = () => t.nextCandle(SYMBOL);
  const position = () => t.books.position('pa', SYMBOL)?.quantity ?? 0;

  beforeAll(async () => {
    t = await createLiveTestApp({
      portfolios: { pa: 'ada', pb: 'cy' },
      prices: { [SYMBOL]: 100 },
      strategies: { 's1@1': buyer, 's2@1': rester },
      admins: ['root'],
    });
    const enabled = await t.enableRun('ada', { strategyId: 's1', portfolioId: 'pa', symbol: SYMBOL });
    expect(enabled.statusCode).toBe(201);
  });
  afterAll(() => t?.close());

  it('stop-entry keeps a run from buying; the owner lifts it; others are refused', async () => {
    await candle();
    expect(position()).toBe(1);
    const on = await post('pa:s1/stop-entry', 'ada', { on: true });
    expect(on.statusCode).toBe(200);
    expect(on.json().run.stopEntry).toBe(true);
    await candle();
    expect(position()).toBe(1);
    const logs = (
      await t.app.inject({ url: '/api/v1/live-strategies/pa:s1/logs', headers: as('ada') })
    ).json();
    expect(logs.logs.at(-1).text).toBe(`stop-entry: buy 1 ${SYMBOL} not placed`);
    // Someone else's run is not found; an admin may stop entries but not lift the stop.
    expect((await post('pa:s1/stop-entry', 'bob', { on: true })).json().error.code).toBe(
      'STRATEGY_LIVE_NOT_FOUND',
    );
    expect((await post('pa:s1/stop-entry', 'root', { on: false })).json().error.code).toBe(
      'STRATEGY_OWNER_ONLY',
    );
    expect((await post('pa:s1/stop-entry', 'ada', { on: 'yes' })).statusCode).toBe(400);
    const off = await post('pa:s1/stop-entry', 'ada', { on: false });
    expect(off.json().run.stopEntry).toBeUndefined();
    await candle();
    expect(position()).toBe(2);
  });

  it("force exit sells the run's position at market and answers with the fill", async () => {
    const held = position();
    expect(held).toBeGreaterThan(0);
    expect((await post('pa:s1/force-exit', 'ada', { symbol: 'btc' })).statusCode).toBe(400);
    expect((await post('pa:s1/force-exit', 'root')).json().error.code).toBe('STRATEGY_OWNER_ONLY');
    expect(position()).toBe(held);
    const exit = await post('pa:s1/force-exit', 'ada', { symbol: SYMBOL });
    expect(exit.statusCode).toBe(200);
    const [order, ...more] = exit.json().orders;
    expect(more).toEqual([]);
    expect(order).toMatchObject({ side: 'sell', type: 'market', status: 'filled', filledQuantity: held });
    expect(order.fills[0]).toMatchObject({ price: 100, quantity: held });
    expect(position()).toBe(0);
    // Nothing held: nothing to do.
    expect((await post('pa:s1/force-exit', 'ada')).json().orders).toEqual([]);
  });

  it('force exit cancels a working entry first, so the run ends flat (answered as cancelled)', async () => {
    const enabled = await t.enableRun('cy', { strategyId: 's2', portfolioId: 'pb', symbol: SYMBOL });
    expect(enabled.statusCode).toBe(201);
    await candle();
    await candle();
    const held = () => t.books.position('pb', SYMBOL)?.quantity ?? 0;
    expect(held()).toBe(1);
    const run = (await t.app.inject({ url: '/api/v1/live-strategies/pb:s2', headers: as('cy') })).json().run;
    expect(run.positions).toEqual([{ symbol: SYMBOL, quantity: 1 }]);
    const exit = await post('pb:s2/force-exit', 'cy');
    expect(exit.statusCode).toBe(200);
    expect(
      exit
        .json()
        .orders.map((o: { side: string; type: string; status: string }) => [o.side, o.type, o.status]),
    ).toEqual([
      ['buy', 'limit', 'cancelled'],
      ['sell', 'market', 'filled'],
    ]);
    expect(held()).toBe(0);
    const after = (await t.app.inject({ url: '/api/v1/live-strategies/pb:s2', headers: as('cy') })).json()
      .run;
    expect(after.positions).toBeUndefined();
    const open = await t.app.inject({ url: '/api/v1/portfolios/pb/orders?status=open', headers: as('cy') });
    expect(open.json().orders ?? []).toEqual([]);
  });
});
