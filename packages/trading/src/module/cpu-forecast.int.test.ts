/**
 * The budget forecast before go-live: a backtest records its bar loop's CPU per candle; enabling the
 * version live compares it with the tier's live budget and refuses one that cannot fit, with the
 * figures. A strategy that spins on every candle is refused; the SMA template is admitted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, SMA_CROSS_SOURCE, T0, waveCandles } from '@tickline/strategy/internal';
import {
  backtestSucceeded,
  createStrategy,
  enableLive,
  openPaperPortfolio,
  signUp,
  type TradingApi,
} from '../testing/trading-api.test-support.ts';
import { createTradingTestApp, type TradingTestApp } from '../testing/trading-test-app.ts';
import { TradingSettingsSchema } from './trading-settings.ts';

/** The free tier's live budget in this file, ms per candle. */
const BUDGET_MS = 5;
/** Tens of milliseconds of arithmetic on every candle, well over BUDGET_MS on any machine. */
const HEAVY_SOURCE = `export default defineStrategy({
  onCandle(ctx) {
    let x = 0;
    for (let i = 0; i < 30000000; i++) x = (x + i * 7) % 1000003;
    if (x < 0) ctx.buy(1);
  },
});`;

describe('CPU forecast before a live run', () => {
  let t: TradingTestApp;
  let api: TradingApi;

  beforeAll(async () => {
    const defaults = TradingSettingsSchema.parse(undefined);
    t = await createTradingTestApp({
      candles: waveCandles('BTC-USDT', 600),
      tiers: { free: { maxStrategies: 10, backtestsPerDay: 100 } },
      trading: {
        live: {
          ...defaults.live,
          tiers: { ...defaults.live.tiers, free: { ...defaults.live.tiers.free, cpuMsPerCandle: BUDGET_MS } },
        },
      },
    });
    api = await signUp(t);
    await openPaperPortfolio(t, api);
  }, 120_000);
  afterAll(async () => t?.close());

  const strategy = (source: string) => createStrategy(api, source);
  const backtest = (strategyId: string, bars: number) =>
    backtestSucceeded(api, {
      strategyId,
      symbol: 'BTC-USDT',
      interval: '1h',
      from: T0,
      to: T0 + bars * HOUR,
    });
  const enable = (strategyId: string) => enableLive(api, strategyId, { symbol: 'BTC-USDT', interval: '1h' });

  it(
    'refuses a version whose backtest used more CPU per candle than the budget, with the figures',
    { timeout: 180_000 },
    async () => {
      const strategyId = await strategy(HEAVY_SOURCE);
      const backtestId = await backtest(strategyId, 20);
      const refused = await enable(strategyId);
      expect(refused.statusCode, refused.body).toBe(403);
      const error = refused.json().error;
      expect(error).toMatchObject({
        code: 'STRATEGY_CPU_FORECAST_EXCEEDS_BUDGET',
        message: expect.stringMatching(
          new RegExp(
            `^version 1 used [\\d.]+ ms of CPU per candle in its backtest \\(${backtestId}, 20 candles\\), over the tier's live budget of 5\\.00 ms per candle`,
          ),
        ),
        details: { strategyId, version: 1, budgetMs: BUDGET_MS, backtestId, bars: 20 },
      });
      expect(error.details.forecastMs).toBeGreaterThan(BUDGET_MS);
      // Nothing was enabled.
      expect((await api.call('GET', '/live-strategies')).json().runs).toEqual([]);
    },
  );

  it('admits the SMA template, whose backtest fits the budget', { timeout: 180_000 }, async () => {
    const strategyId = await strategy(SMA_CROSS_SOURCE);
    await backtest(strategyId, 600);
    const enabled = await enable(strategyId);
    expect(enabled.statusCode, enabled.body).toBe(201);
  });
});
