/**
 * The parity monitor composed (PGlite, an in-memory log, the strategy host's sandbox replays): a
 * live run's parity is checked on the schedule without anyone asking, and its latest check comes
 * with the run in the API.
 */
import { storeClosedCandles } from '@tickline/strategy/internal';
import { until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUY_ONCE_SOURCE,
  candleClosed,
  createStrategy,
  enableLive,
  minuteCandle,
  openPaperPortfolio,
  signUp,
  type TradingApi,
} from '../testing/trading-api.test-support.ts';
import { createTradingTestApp, type TradingTestApp } from '../testing/trading-test-app.ts';
import { TradingSettingsSchema } from './trading-settings.ts';

const SYMBOL = 'BTC-USDT';
const MINUTE = 60_000;

describe('live parity monitor, composed', () => {
  let t: TradingTestApp;
  let api: TradingApi;

  beforeAll(async () => {
    const defaults = TradingSettingsSchema.parse(undefined);
    t = await createTradingTestApp({ trading: { live: { ...defaults.live, parityCheckMs: 200 } } });
    api = await signUp(t);
  }, 60_000);
  afterAll(async () => t?.close());

  it("a live run's parity is checked on the schedule and shown on the run: identical, with its decisions", async () => {
    await openPaperPortfolio(t, api);
    const strategyId = await createStrategy(api, BUY_ONCE_SOURCE, { name: 'once', language: 'javascript' });
    const enabled = await enableLive(api, strategyId, { symbol: SYMBOL, interval: '1m' });
    expect(enabled.statusCode, enabled.body).toBe(201);
    const runId = enabled.json<{ run: { id: string } }>().run.id;
    // Candles closing after the enable: stored (the replay reads them) and delivered live.
    const t0 = Math.ceil(Date.now() / MINUTE) * MINUTE;
    const candles = [minuteCandle(SYMBOL, t0, 100), minuteCandle(SYMBOL, t0 + MINUTE, 101)];
    await storeClosedCandles(t.sql, candles);
    await t.append(candles.map(candleClosed));
    await until(() => t.events.some((e) => e.type === 'portfolio.order.filled'), 'the fill booked');
    const parity = async () =>
      (await api.call('GET', `/live-strategies/${encodeURIComponent(runId)}`)).json().run.parity as
        { state: string; decisions: number } | undefined;
    await until(async () => (await parity())?.decisions === 1, {
      what: 'checked by the monitor',
      timeoutMs: 60_000,
    });
    expect(await parity()).toMatchObject({ state: 'identical', decisions: 1 });
    expect(t.events.some((e) => e.type === 'strategy.live.parity.diverged')).toBe(false);
  }, 120_000);
});
