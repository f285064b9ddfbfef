/**
 * The trial registry (issue 49): every backtest and every parameter set a research job tries on one
 * strategy and market is counted, and a later job's deflated Sharpe ratio takes the count as trials
 * on top of its own and the declared ones; another user's or another market's trials do not count.
 */
import { until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMA_CROSS_SOURCE } from '../examples/sma-cross.ts';
import { createStrategyTestApp, HOUR, T0, waveCandles, type StrategyTestApp } from '../testing/strategy-test-app.ts';

const BARS = 300;

describe('research - the trial registry counts what was tried before', () => {
  let t: StrategyTestApp;
  beforeAll(async () => {
    t = await createStrategyTestApp({
      candles: [...waveCandles('BTC-USDT', BARS), ...waveCandles('ETH-USDT', BARS)],
      tiers: { free: { backtestsPerDay: 100 } },
    });
  }, 120_000);
  afterAll(() => t?.close());

  const call = (auth: Record<string, string>, method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: auth, ...(payload ? { payload } : {}) });
  /** Waits for `path`'s run (`key`: backtest or research) to end; returns its detail. */
  async function ended(auth: Record<string, string>, path: string, key: 'backtest' | 'research') {
    let detail: any;
    await until(
      async () => {
        detail = (await call(auth, 'GET', path)).json();
        return !['queued', 'running'].includes(detail[key].status);
      },
      { timeoutMs: 150_000, intervalMs: 50, what: path },
    ).catch((error: Error) => {
      // Where it stopped (queued, or running with how much done) says which part held it up.
      throw new Error(`${error.message}; last read: ${JSON.stringify(detail?.[key])?.slice(0, 2_000)}`);
    });
    expect(detail[key].status, JSON.stringify(detail[key].error)).toBe('succeeded');
    return detail;
  }
  const search = async (auth: Record<string, string>, strategyId: string, symbol: string, fast: number[], priorTrials = 0) => {
    const created = await call(auth, 'POST', '/research', {
      kind: 'search',
      strategyId,
      feeds: [{ symbol, interval: '1h' }],
      from: T0,
      to: T0 + BARS * HOUR,
      grid: { fast },
      priorTrials,
    });
    expect(created.statusCode, created.body).toBe(202);
    return (await ended(auth, `/research/${created.json().research.id}`, 'research')).report;
  };

  it('registry - a backtest and each searched set count into the next search of the same market', { timeout: 300_000 }, async () => {
    const ada = await t.user();
    const created = await call(ada.auth, 'POST', '/strategies', { name: 'cross', source: SMA_CROSS_SOURCE });
    // Refused, the answer says why (a loaded run once read no strategy here, and said nothing more).
    expect(created.statusCode, created.body).toBe(201);
    const strategyId = created.json().strategy.id as string;
    const queued = await call(ada.auth, 'POST', '/backtests', {
      strategyId,
      symbol: 'BTC-USDT',
      interval: '1h',
      from: T0,
      to: T0 + BARS * HOUR,
    });
    expect(queued.statusCode, queued.body).toBe(202);
    await ended(ada.auth, `/backtests/${queued.json().backtest.id}`, 'backtest');

    // One backtest before: 3 sets + 2 declared + 1 registered.
    const first = await search(ada.auth, strategyId, 'BTC-USDT', [5, 10, 15], 2);
    expect(first.trialRegistry).toEqual({ declared: 2, registered: 1 });
    expect(first.overfitting.deflatedSharpe.trials).toBe(6);
    expect(first.overfitting.priorTrials).toBe(3);

    // The backtest and the first search's three sets: 2 sets + 4 registered.
    const second = await search(ada.auth, strategyId, 'BTC-USDT', [5, 10]);
    expect(second.trialRegistry).toEqual({ declared: 0, registered: 4 });
    expect(second.overfitting.deflatedSharpe.trials).toBe(6);

    // Another market of the same strategy starts from nothing.
    const other = await search(ada.auth, strategyId, 'ETH-USDT', [5, 10]);
    expect(other.trialRegistry).toEqual({ declared: 0, registered: 0 });
    expect(other.overfitting.deflatedSharpe.trials).toBe(2);
  });
});
