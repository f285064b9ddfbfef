/**
 * The SDK's strategy and backtest methods against the real routes (strategy package, PGlite,
 * identity over SQL), with `fetch` answered by Fastify's inject: every path, body and wire shape
 * the SDK assumes is the server's.
 */
import { createStrategyTestApp, HOUR, SMA_CROSS_SOURCE, T0, waveCandles } from '@tickline/strategy/internal';
import type { StrategyTestApp } from '@tickline/strategy/internal';
import { until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicklineClient, type TicklineClient } from '../index.ts';
import type { FetchLike } from '../http/http-client.ts';

function injectFetch(t: StrategyTestApp): FetchLike {
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

describe('client strategies and backtests over the real routes', () => {
  let t: StrategyTestApp;
  let client: TicklineClient;

  beforeAll(async () => {
    t = await createStrategyTestApp({ candles: waveCandles('BTC-USDT', 300) });
    const { accessToken } = await t.user();
    const principal = await t.identity.authenticateAccessToken(accessToken);
    const { key } = await t.identity.createApiKey(principal, {
      name: 'sdk',
      scopes: ['strategies:read', 'strategies:write', 'backtests:run'],
    });
    client = createTicklineClient({ baseUrl: 'http://api.test', fetch: injectFetch(t), apiKey: key });
  }, 120_000);
  afterAll(() => t?.close());

  it('client - strategy CRUD, versions, compile errors with position, api types', async () => {
    const { strategy, version } = await client.strategies.create({ name: 'cross', source: SMA_CROSS_SOURCE });
    expect(version.version).toBe(1);
    expect(await client.strategies.list()).toHaveLength(1);
    const v2 = await client.strategies.saveVersion(strategy.id, { source: SMA_CROSS_SOURCE });
    expect(v2.version).toBe(2);
    expect((await client.strategies.versions(strategy.id)).map((v) => v.version)).toEqual([1, 2]);
    expect((await client.strategies.version(strategy.id, 1)).source).toBe(SMA_CROSS_SOURCE);
    const error = await client.strategies.compile({ source: 'export default {' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STRATEGY_SYNTAX_ERROR', status: 422 });
    expect(await client.strategies.apiTypes()).toContain('defineStrategy');

    const run = await client.backtests.run({
      strategyId: strategy.id,
      symbol: 'BTC-USDT',
      interval: '1h',
      from: T0,
      to: T0 + 300 * HOUR,
      params: { fast: 5, slow: 20 },
    });
    expect(run.status).toBe('queued');
    let detail = await client.backtests.get(run.id);
    await until(
      async () => {
        detail = await client.backtests.get(run.id);
        return !['queued', 'running'].includes(detail.backtest.status);
      },
      { timeoutMs: 100_000, intervalMs: 100, what: 'the backtest to finish' },
    );
    expect(detail.backtest.status).toBe('succeeded');
    expect(detail.result?.bars).toBe(300);
    const { trades } = await client.backtests.trades(run.id);
    expect(trades).toHaveLength(detail.result!.metrics.trades);
    const curves = await client.backtests.equity(run.id);
    expect(curves.equity.length).toBe(curves.drawdown.length);
    expect((await client.backtests.list({ strategyId: strategy.id })).map((b) => b.id)).toEqual([run.id]);
    await client.strategies.remove(strategy.id);
    expect(await client.strategies.list()).toEqual([]);
  }, 120_000);
});
