/**
 * The parity monitor composed (PGlite, an in-memory log, the strategy host's sandbox replays): a
 * live run's parity is checked on the schedule without anyone asking, and its latest check comes
 * with the run in the API.
 */
import type { Candle } from '@tickline/market';
import { createEventSource, defineEvent, ManualClock } from '@tickline/kernel';
import { storeClosedCandles } from '@tickline/strategy/internal';
import { until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AccountSnapshotGenerated } from '../accounts/account-events.ts';
import { createTradingTestApp, type TradingTestApp } from '../testing/trading-test-app.ts';
import { TradingSettingsSchema } from './trading-settings.ts';

const SYMBOL = 'BTC-USDT';
const MINUTE = 60_000;
const CandleClosed = defineEvent({ type: 'market.candle.closed', description: 'test', schema: z.any() });
const market = createEventSource({ source: 'collector/test', clock: new ManualClock(0) });
const accounts = createEventSource({ source: 'strategy/accounts', clock: new ManualClock(0) });

const BUY_ONCE = `export default defineStrategy({
  init: () => ({ bought: false }),
  onCandle(ctx) {
    if (!ctx.state.bought) { ctx.buy({ qty: 2, reason: 'first candle' }); ctx.state.bought = true; }
  },
});`;

function candle(openTime: number, close: number): Candle {
  return {
    exchange: 'test',
    symbol: SYMBOL,
    interval: '1m',
    openTime,
    closeTime: openTime + MINUTE,
    open: close,
    high: close + 1,
    low: close - 1,
    close,
    volume: 5,
    quoteVolume: 5 * close,
    trades: 3,
    incomplete: false,
    revision: 0,
  };
}

describe('live parity monitor, composed', () => {
  let t: TradingTestApp;
  let user: Awaited<ReturnType<TradingTestApp['user']>>;
  const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: user.auth, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    const defaults = TradingSettingsSchema.parse(undefined);
    t = await createTradingTestApp({ trading: { live: { ...defaults.live, parityCheckMs: 200 } } });
    user = await t.user();
  }, 60_000);
  afterAll(async () => t?.close());

  it("a live run's parity is checked on the schedule and shown on the run: identical, with its decisions", async () => {
    await t.append([
      accounts.create(AccountSnapshotGenerated, {
        subject: user.userId,
        data: {
          accountId: user.userId,
          tier: 'free',
          currency: 'USD',
          cash: '10000.00',
          positions: [],
          generatedAt: new Date().toISOString(),
        },
      }),
    ]);
    await until(async () => (await call('GET', '/portfolios')).json().portfolios.length === 1, 'portfolio');
    const created = await call('POST', '/strategies', {
      name: 'once',
      source: BUY_ONCE,
      language: 'javascript',
    });
    expect(created.statusCode).toBe(201);
    const strategyId = created.json<{ strategy: { id: string } }>().strategy.id;
    const enabled = await call('POST', '/live-strategies', {
      strategyId,
      version: 1,
      portfolioId: user.userId,
      feeds: [{ symbol: SYMBOL, interval: '1m' }],
      warmupBars: 0,
    });
    expect(enabled.statusCode, enabled.body).toBe(201);
    const runId = enabled.json<{ run: { id: string } }>().run.id;
    // Candles closing after the enable: stored (the replay reads them) and delivered live.
    const t0 = Math.ceil(Date.now() / MINUTE) * MINUTE;
    const candles = [candle(t0, 100), candle(t0 + MINUTE, 101)];
    await storeClosedCandles(t.sql, candles);
    await t.append(
      candles.map((c) => market.create(CandleClosed, { subject: SYMBOL, data: { ...c, correction: false } })),
    );
    await until(() => t.events.some((e) => e.type === 'portfolio.order.filled'), 'the fill booked');
    const parity = async () =>
      (await call('GET', `/live-strategies/${encodeURIComponent(runId)}`)).json().run.parity as
        { state: string; decisions: number } | undefined;
    await until(async () => (await parity())?.decisions === 1, {
      what: 'checked by the monitor',
      timeoutMs: 60_000,
    });
    expect(await parity()).toMatchObject({ state: 'identical', decisions: 1 });
    expect(t.events.some((e) => e.type === 'strategy.live.parity.diverged')).toBe(false);
  }, 120_000);
});
