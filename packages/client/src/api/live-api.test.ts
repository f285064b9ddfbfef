/**
 * The SDK's portfolio, order and live-strategy methods against the real live routes (strategy
 * package: paper broker, order desk, core ledger, live runner — all in memory), with `fetch`
 * answered by Fastify's inject: every path, header, body and wire shape the SDK assumes is the
 * server's, including the coded refusals a ticket shows.
 */
import { createLiveTestApp, type LiveTestApp } from '@tickline/trading/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicklineClient, orderQuantityFor, type TicklineClient } from '../index.ts';
import type { FetchLike } from '../http/http-client.ts';

const SYMBOL = 'BTC-USDT';
const MINUTE = 60_000;

function injectFetch(t: LiveTestApp): FetchLike {
  return async (input, init) => {
    const url = new URL(input);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
    const res = await t.app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers,
      ...(init?.body ? { payload: init.body as string } : {}),
    });
    return new Response(res.statusCode === 204 ? null : res.body, {
      status: res.statusCode,
      headers: { 'content-type': String(res.headers['content-type'] ?? 'application/json') },
    });
  };
}

describe('client portfolios, orders and live strategies over the real routes', () => {
  let t: LiveTestApp;
  let ada: TicklineClient;
  let bob: TicklineClient;

  beforeAll(async () => {
    t = await createLiveTestApp({
      portfolios: { pa: 'ada', pb: 'bob' },
      prices: { [SYMBOL]: 20_000 },
      strategies: {
        // Buys 0.01 on every closed candle: each candle is one signal.
        's1@1': {
          params: { qty: { type: 'float', default: 0.01 } },
          onCandle: (ctx) => void ctx.buy({ qty: ctx.params.qty as number, reason: 'every bar' }),
        },
      },
    });
    const client = (key: string) =>
      createTicklineClient({ baseUrl: 'http://api.test', fetch: injectFetch(t), apiKey: key });
    ada = client('user:ada');
    bob = client('user:bob');
  });
  afterAll(() => t?.close());

  it('client - a market order fills and moves cash and the position', async () => {
    expect(await ada.portfolios.list()).toEqual([
      { portfolioId: 'pa', cash: 10_000, equity: 10_000, dayStartEquity: 10_000 },
    ]);
    const order = await ada.portfolios.placeOrder('pa', { symbol: SYMBOL, side: 'buy', quantity: 0.1 });
    expect(order).toMatchObject({ status: 'filled', filledQuantity: 0.1, side: 'buy', type: 'market' });
    expect(order.fills).toHaveLength(1);
    const portfolio = await ada.portfolios.get('pa');
    expect(portfolio.cash).toBeLessThan(10_000 - 0.1 * 20_000 + 1e-9);
    expect(portfolio.positions).toEqual([
      expect.objectContaining({ symbol: SYMBOL, quantity: 0.1, averagePrice: order.fills[0]!.price }),
    ]);
    // Same idempotency key, same order: a retried place does not buy twice.
    const again = await ada.portfolios.placeOrder(
      'pa',
      { symbol: SYMBOL, side: 'buy', quantity: 0.1 },
      { idempotencyKey: 'k1' },
    );
    const retried = await ada.portfolios.placeOrder(
      'pa',
      { symbol: SYMBOL, side: 'buy', quantity: 0.1 },
      { idempotencyKey: 'k1' },
    );
    expect(retried.clientOrderId).toBe(again.clientOrderId);
    expect((await ada.portfolios.get('pa')).positions[0]!.quantity).toBeCloseTo(0.2, 12);
  });

  it('client - a limit order rests, is listed, cancels, and stays in the history', async () => {
    const resting = await ada.portfolios.placeOrder('pa', {
      symbol: SYMBOL,
      side: 'buy',
      type: 'limit',
      price: 15_000,
      quantity: 0.05,
    });
    expect(resting.status).toBe('new');
    expect((await ada.portfolios.orders('pa')).map((o) => o.clientOrderId)).toEqual([resting.clientOrderId]);
    const cancelled = await ada.portfolios.cancelOrder('pa', resting);
    expect(cancelled.status).toBe('cancelled');
    expect(await ada.portfolios.orders('pa')).toEqual([]);
    const history = await ada.portfolios.orders('pa', { status: 'all', limit: 10 });
    expect(history[0]).toMatchObject({ clientOrderId: resting.clientOrderId, status: 'cancelled' });
    expect(history.filter((o) => o.status === 'filled').length).toBeGreaterThanOrEqual(2);
    // The test app keeps no SQL read model: the history is empty, not an error.
    expect(await ada.portfolios.equity('pa')).toEqual([]);
  });

  it('client - refusals are coded: rejected orders, bad input, someone else’s portfolio', async () => {
    // 100 at 20,000 is 200 times the equity: the default position limit refuses it.
    const broke = await ada.portfolios
      .placeOrder('pa', { symbol: SYMBOL, side: 'buy', quantity: 100 })
      .catch((e: unknown) => e);
    expect(broke).toMatchObject({
      code: 'STRATEGY_BROKER_ORDER_REJECTED',
      status: 422,
      details: { reason: 'risk_limit' },
    });
    const unknown = await ada.portfolios
      .placeOrder('pa', { symbol: 'DOGE-USDT', side: 'buy', quantity: 1 })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({
      code: 'STRATEGY_BROKER_ORDER_REJECTED',
      details: { reason: 'unknown_symbol' },
    });
    const negative = await ada.portfolios
      .placeOrder('pa', { symbol: SYMBOL, side: 'buy', quantity: -1 })
      .catch((e: unknown) => e);
    expect(negative).toMatchObject({ code: 'HTTP_BAD_REQUEST', status: 400 });
    const priceless = await ada.portfolios
      .placeOrder('pa', { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: 1 })
      .catch((e: unknown) => e);
    expect(priceless).toMatchObject({ code: 'HTTP_BAD_REQUEST', status: 400 });
    const theirs = await ada.portfolios.get('pb').catch((e: unknown) => e);
    expect(theirs).toMatchObject({ code: 'STRATEGY_PORTFOLIO_NOT_FOUND', status: 404 });
    expect((await bob.portfolios.get('pb')).cash).toBe(10_000);
  });

  it('client - a live run: enable, signal on a candle, pause with reason, resume, stop', async () => {
    const run = await ada.liveStrategies.enable({
      strategyId: 's1',
      version: 1,
      portfolioId: 'pa',
      params: { qty: 0.02 },
      feeds: [{ symbol: SYMBOL, interval: '1m' }],
      warmupBars: 0,
    });
    expect(run).toMatchObject({ strategyId: 's1', version: 1, state: 'running', signals: 0 });
    const closeTime = Date.UTC(2026, 0, 1, 0, 1);
    await t.runner.onCandle({
      symbol: SYMBOL,
      interval: '1m',
      openTime: closeTime - MINUTE,
      closeTime,
      open: 20_000,
      high: 20_010,
      low: 19_990,
      close: 20_000,
      volume: 1,
    });
    const signals = await ada.liveStrategies.signals(run.id);
    expect(signals).toEqual([expect.objectContaining({ side: 'buy', quantity: 0.02, reason: 'every bar' })]);
    expect((await ada.liveStrategies.list()).map((r) => r.id)).toEqual([run.id]);
    expect(await bob.liveStrategies.list()).toEqual([]);
    expect(await bob.liveStrategies.get(run.id).catch((e: unknown) => e)).toMatchObject({
      code: 'STRATEGY_LIVE_NOT_FOUND',
    });
    const paused = await ada.liveStrategies.pause(run.id);
    expect(paused).toMatchObject({ state: 'paused', pause: { code: 'user', reason: 'paused by the owner' } });
    expect((await ada.liveStrategies.resume(run.id)).state).toBe('running');
    expect(Array.isArray(await ada.liveStrategies.logs(run.id))).toBe(true);
    // Stop-entry, then a force exit of the bought 0.02 (filled at once at the last price).
    expect((await ada.liveStrategies.stopEntry(run.id, true)).stopEntry).toBe(true);
    const [exit, ...more] = await ada.liveStrategies.forceExit(run.id, SYMBOL);
    expect(more).toEqual([]);
    expect(exit).toMatchObject({ side: 'sell', status: 'filled', filledQuantity: 0.02 });
    expect(await ada.liveStrategies.forceExit(run.id)).toEqual([]);
    expect(await bob.liveStrategies.forceExit(run.id).catch((e: unknown) => e)).toMatchObject({
      code: 'STRATEGY_LIVE_NOT_FOUND',
      status: 404,
    });
    expect((await ada.liveStrategies.stopEntry(run.id, false)).stopEntry).toBeUndefined();
    await ada.liveStrategies.disable(run.id);
    expect(await ada.liveStrategies.list()).toEqual([]);
    const missing = await ada.liveStrategies
      .enable({
        strategyId: 's1',
        version: 9,
        portfolioId: 'pa',
        feeds: [{ symbol: SYMBOL, interval: '1m' }],
      })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'STRATEGY_NOT_FOUND', status: 404 });
  });
});

describe('orderQuantityFor', () => {
  it('sizes a buy from cash at the price, leaving room for the fee, rounded down', () => {
    expect(
      orderQuantityFor({ side: 'buy', percent: 50, cash: 10_000, price: 20_000, positionQuantity: 0 }),
    ).toBe(0.25);
    expect(orderQuantityFor({ side: 'buy', percent: 100, cash: 10_000, price: 3, positionQuantity: 0 })).toBe(
      3333.33333333,
    );
    const withFee = orderQuantityFor({
      side: 'buy',
      percent: 100,
      cash: 10_000,
      price: 100,
      positionQuantity: 0,
      feeRate: 0.001,
    });
    expect(withFee * 100 * 1.001).toBeLessThanOrEqual(10_000);
  });

  it('sizes a sell from the long position; 0 when it cannot be sized', () => {
    expect(orderQuantityFor({ side: 'sell', percent: 30, cash: 0, positionQuantity: 1 })).toBe(0.3);
    expect(orderQuantityFor({ side: 'sell', percent: 50, cash: 0, positionQuantity: -2 })).toBe(0);
    expect(orderQuantityFor({ side: 'buy', percent: 50, cash: 100, positionQuantity: 0 })).toBe(0);
    expect(orderQuantityFor({ side: 'buy', percent: 0, cash: 100, price: 1, positionQuantity: 0 })).toBe(0);
    expect(orderQuantityFor({ side: 'buy', percent: 150, cash: 100, price: 1, positionQuantity: 0 })).toBe(0);
  });
});
