import type { StrategyDefinition } from '@tickline/strategy/internal';
import { afterEach, describe, expect, it } from 'vitest';
import { createLiveTestApp, type LiveTestApp } from '../testing/live-test-app.ts';

const SYMBOL = 'BTC-USDT';
/** Buys `qty` (a parameter, 1 by the code's default) on every candle. */
const buyer: StrategyDefinition = {
  params: { qty: { type: 'int', default: 1, min: 1, max: 10 } },
  onCandle: (ctx) => void ctx.buy({ qty: ctx.params.qty as number, reason: 'entry' }),
};

/**
 * A version saved from a research set keeps the code and stores the set as its parameters'
 * defaults: a live run of it must trade the set, not the code's defaults.
 */
describe('live routes - a version’s stored parameter defaults', () => {
  let t: LiveTestApp | undefined;
  afterEach(() => t?.close());

  const boughtOnOneCandle = async (payload: Record<string, unknown> = {}) => {
    t = await createLiveTestApp({
      portfolios: { pa: 'ada' },
      prices: { [SYMBOL]: 100 },
      strategies: { 's1@2': buyer },
      versionParams: { 's1@2': { qty: 3 } },
    });
    const enabled = await t.app.inject({
      method: 'POST',
      url: '/api/v1/live-strategies',
      headers: { 'x-api-key': 'user:ada' },
      payload: {
        strategyId: 's1',
        version: 2,
        portfolioId: 'pa',
        feeds: [{ symbol: SYMBOL, interval: '1m' }],
        ...payload,
      },
    });
    expect(enabled.statusCode, enabled.body).toBe(201);
    await t.nextCandle(SYMBOL);
    return { run: enabled.json().run, bought: t.books.position('pa', SYMBOL)?.quantity ?? 0 };
  };

  it('a run without parameters trades the version’s stored set', async () => {
    const { bought } = await boughtOnOneCandle();
    expect(bought).toBe(3);
  });

  it('parameters named at enable still win over the stored set', async () => {
    const { bought } = await boughtOnOneCandle({ params: { qty: 2 } });
    expect(bought).toBe(2);
  });
});
