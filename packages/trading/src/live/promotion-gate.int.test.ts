/**
 * The promotion gate over HTTP with live trading composed: a tier that requires the gate cannot
 * enable a version live until a look-ahead and a walk-forward report on it pass; the verdict and
 * its numbers are readable; an admin override (recorded) lets a version through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, SMA_CROSS_SOURCE, T0, waveCandles } from '@tickline/strategy/internal';
import {
  createStrategy,
  enableLive,
  openPaperPortfolio,
  researchSucceeded,
  signUp,
  type TradingApi,
} from '../testing/trading-api.test-support.ts';
import { createTradingTestApp, type TradingTestApp } from '../testing/trading-test-app.ts';

describe('promotion gate before a live run', () => {
  let t: TradingTestApp;
  let api: TradingApi;

  beforeAll(async () => {
    t = await createTradingTestApp({
      candles: waveCandles('BTC-USDT', 600),
      tiers: { free: { maxStrategies: 10, backtestsPerDay: 100 } },
      settings: {
        gate: {
          requiredTiers: ['free'],
          requireLookahead: true,
          minOutOfSampleBarSharpe: -1,
          minDeflatedSharpe: 0,
          maxPbo: 1,
        },
      },
    });
    api = await signUp(t);
    await openPaperPortfolio(t, api);
  }, 120_000);
  afterAll(async () => t?.close());

  const strategy = () => createStrategy(api, SMA_CROSS_SOURCE);
  const enable = (strategyId: string, interval = '1m') =>
    enableLive(api, strategyId, { symbol: 'BTC-USDT', interval });
  const research = (body: object) => researchSucceeded(api, body);

  it(
    'refuses live until a look-ahead and a walk-forward pass, then enables it',
    { timeout: 180_000 },
    async () => {
      const strategyId = await strategy();
      const refused = await enable(strategyId);
      expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'STRATEGY_GATE_REFUSED']);
      expect((await api.call('GET', `/strategies/${strategyId}/versions/1/gate`)).json().gate).toMatchObject({
        required: true,
        passed: false,
        allowed: false,
      });

      const common = {
        strategyId,
        feeds: [{ symbol: 'BTC-USDT', interval: '1h' }],
        from: T0,
        to: T0 + 600 * HOUR,
      };
      await research({ ...common, kind: 'lookahead', points: 4 });
      await research({
        ...common,
        kind: 'walk-forward',
        grid: { fast: [5, 10], slow: [30, 40] },
        inSampleBars: 300,
        outSampleBars: 100,
      });
      const gate = (await api.call('GET', `/strategies/${strategyId}/versions/1/gate`)).json().gate;
      expect(gate).toMatchObject({ required: true, passed: true, allowed: true });
      expect(gate.checks.find((c: { name: string }) => c.name === 'deflatedSharpe').value).toEqual(
        expect.any(Number),
      );
      // The verdict is per feed: research on BTC-USDT 1h is no pass for a run on BTC-USDT 1m.
      const onFeed = async (feed: string) =>
        (await api.call('GET', `/strategies/${strategyId}/versions/1/gate?feed=${feed}`)).json().gate;
      expect(await onFeed('BTC-USDT:1h')).toMatchObject({ passed: true, allowed: true });
      expect(await onFeed('BTC-USDT:1m')).toMatchObject({
        passed: false,
        allowed: false,
        checks: expect.arrayContaining([
          { name: 'walkForward', passed: false, value: false, limit: true, researchId: null },
        ]),
      });
      const badFeed = await api.call('GET', `/strategies/${strategyId}/versions/1/gate?feed=btc`);
      expect(badFeed.statusCode).toBe(400);
      const elsewhere = (await enable(strategyId, '1m')).json().error;
      expect(elsewhere).toMatchObject({
        code: 'STRATEGY_GATE_REFUSED',
        message: expect.stringContaining(
          'no research report on BTC-USDT 1m that passed the promotion gate: lookahead no report (limit true)',
        ),
        details: {
          feeds: [{ symbol: 'BTC-USDT', interval: '1m' }],
          failed: expect.arrayContaining([expect.objectContaining({ name: 'walkForward', value: false })]),
        },
      });
      expect((await enable(strategyId, '1h')).statusCode).toBe(201);
    },
  );

  it('an admin override is recorded and lets a version through; a user cannot override', async () => {
    const strategyId = await strategy();
    const denied = await api.call('POST', `/strategies/${strategyId}/versions/1/gate/overrides`, {
      reason: 'manual review passed',
    });
    expect([denied.statusCode, denied.json().error.code]).toEqual([403, 'AUTH_FORBIDDEN']);
    await t.host.gate.override(api.user.userId, strategyId, 1, 'reviewed by hand in the test');
    const gate = (await api.call('GET', `/strategies/${strategyId}/versions/1/gate`)).json().gate;
    expect(gate).toMatchObject({
      passed: false,
      allowed: true,
      overrides: [expect.objectContaining({ reason: 'reviewed by hand in the test' })],
    });
  });
});
