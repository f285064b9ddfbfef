/**
 * The trading module on the strategy host (PGlite, an in-memory log, identity, HTTP): a new
 * account's snapshot opens its paper portfolio, a stored version enabled live runs in the sandbox on
 * candles from the log, its signal and order go out as events, the portfolio moves, and a run that
 * fails is paused in the store with its reason.
 */
import { createEventSource, type EventEnvelope } from '@tickline/kernel';
import { until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerOf } from '../live/assignment.ts';
import { LiveStore } from '../live/live-store.ts';
import { RunnerHeartbeat } from '../live/membership.ts';
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

const SYMBOL = 'BTC-USDT';
const MINUTE = 60_000;
const THROWS = `export default defineStrategy({ onCandle() { throw new Error('broken on purpose'); } });`;

function candle(i: number, close: number): EventEnvelope {
  return candleClosed(minuteCandle(SYMBOL, Date.UTC(2026, 0, 1) + i * MINUTE, close));
}

describe('strategy module: live trading composed', () => {
  let t: TradingTestApp;
  let api: TradingApi;

  beforeAll(async () => {
    // More stored strategies than the free tier's three; live runs keep the free tier's limit of two.
    t = await createTradingTestApp({ tiers: { free: { maxStrategies: 10 } } });
    api = await signUp(t);
  }, 60_000);
  afterAll(async () => t?.close());

  const strategy = (source: string) => createStrategy(api, source, { language: 'javascript' });

  it('the account snapshot opens the paper portfolio', async () => {
    await openPaperPortfolio(t, api);
    expect((await api.call('GET', '/portfolios')).json().portfolios).toEqual([
      expect.objectContaining({ portfolioId: api.user.userId, cash: 10_000, equity: 10_000 }),
    ]);
  });

  it('an enabled version runs in the sandbox on candles from the log: signal, order, fill, portfolio', async () => {
    const strategyId = await strategy(BUY_ONCE_SOURCE);
    const enabled = await enableLive(api, strategyId, { symbol: SYMBOL, interval: '1m' });
    expect(enabled.statusCode).toBe(201);
    const runId = enabled.json<{ run: { id: string } }>().run.id;
    const stored = await t.sql.query<{ state: string; tier: string }>(
      'select state, tier from live_strategies where id = $1',
      [runId],
    );
    expect(stored.rows).toEqual([{ state: 'running', tier: 'free' }]);
    // The next candle fills the market order the first one decided (as the backtest fills it).
    await t.append([candle(0, 100), candle(1, 101)]);
    // The booked fill's notice comes from the portfolio projection, after the fill.
    await until(() => t.events.some((e) => e.type === 'portfolio.order.filled'), 'the fill booked');
    const types = t.events
      .map((e) => e.type)
      .filter((x) => x.startsWith('order.') || x.startsWith('strategy.s') || x.startsWith('portfolio.'));
    expect(types).toEqual(['strategy.signal', 'order.placed', 'order.filled', 'portfolio.order.filled']);
    const signal = t.events.find((e) => e.type === 'strategy.signal')!.data;
    expect(signal).toMatchObject({
      strategyId,
      userId: api.user.userId,
      side: 'buy',
      quantity: 2,
      reason: 'first candle',
    });
    const portfolio = (await api.call('GET', `/portfolios/${api.user.userId}`)).json();
    expect(portfolio.positions).toEqual([expect.objectContaining({ symbol: SYMBOL, quantity: 2 })]);
    expect(portfolio.cash).toBeLessThan(10_000 - 2 * 100);
    const run = (await api.call('GET', `/live-strategies/${encodeURIComponent(runId)}`)).json().run;
    // The strategy's name comes with the run and its signals: a client needs no strategy list.
    const { name } = (await api.call('GET', `/strategies/${strategyId}`)).json<{
      strategy: { name: string };
    }>().strategy;
    expect(run).toMatchObject({ state: 'running', signals: 1, strategyName: name });
    expect(run.lastSignals).toEqual([expect.objectContaining({ strategyName: name })]);
    expect((await api.call('GET', '/live-strategies')).json().runs).toEqual([
      expect.objectContaining({ id: runId, strategyName: name }),
    ]);
    await until(async () => {
      const { rows } = await t.sql.query<{ checkpoint_ms: string | null }>(
        'select checkpoint_ms from live_strategies where id = $1',
        [runId],
      );
      return Number(rows[0]?.checkpoint_ms) === Date.UTC(2026, 0, 1) + 2 * MINUTE;
    }, 'the checkpoint is the last candle acted on');
  });

  it('a run that throws is paused: the event names the reason and the store keeps it', async () => {
    const strategyId = await strategy(THROWS);
    const enabled = await enableLive(api, strategyId, { symbol: SYMBOL, interval: '1m' });
    expect(enabled.statusCode).toBe(201);
    const runId = enabled.json<{ run: { id: string } }>().run.id;
    await t.append([candle(2, 102)]);
    await until(() => t.events.some((e) => e.type === 'strategy.live.paused'), 'paused');
    expect(t.events.find((e) => e.type === 'strategy.live.paused')!.data).toMatchObject({
      strategyId,
      userId: api.user.userId,
      code: 'STRATEGY_RUNTIME_ERROR',
      reason: 'broken on purpose',
    });
    await until(async () => {
      const { rows } = await t.sql.query<{ state: string; pause_code: string }>(
        'select state, pause_code from live_strategies where id = $1',
        [runId],
      );
      return rows[0]?.state === 'paused' && rows[0].pause_code === 'STRATEGY_RUNTIME_ERROR';
    }, 'the pause is stored');
    // The free tier runs two at once; a paused run does not count, a third running one does.
    const enable = async () =>
      api.call('POST', '/live-strategies', {
        strategyId: await strategy(BUY_ONCE_SOURCE),
        version: 1,
        portfolioId: api.user.userId,
        feeds: [{ symbol: SYMBOL, interval: '1m' }],
      });
    const third = await enable();
    expect(third.statusCode).toBe(201);
    const fourth = await enable();
    expect(fourth.statusCode).toBe(409);
    expect(fourth.json()).toMatchObject({ error: { code: 'STRATEGY_LIVE_LIMIT' } });
  });

  it('lists a user’s runs from the shared store, with those another process runs, and controls them there', async () => {
    const owner = await t.user();
    const as = (who: { auth: { authorization: string } }, method: 'GET' | 'POST', url: string) =>
      t.app.inject({ method, url: `/api/v1${url}`, headers: who.auth });
    const live = t.trading.live!;
    // Another runner process is alive (its heartbeat on the log) …
    const other = 'runner-elsewhere';
    const beat = createEventSource({ source: `strategy/runner/${other}` });
    await t.append([
      beat.create(RunnerHeartbeat, { subject: other, data: { member: other, at: Date.now() } }),
    ]);
    await until(() => live.membership.members().includes(other), 'the other runner heard');
    // … and runs one of this user's strategies, enabled through another gateway.
    let runId: string | undefined;
    let strategyId = '';
    while (runId === undefined) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/strategies',
        headers: owner.auth,
        payload: { name: `elsewhere ${Math.random()}`, source: BUY_ONCE_SOURCE, language: 'javascript' },
      });
      strategyId = res.json<{ strategy: { id: string } }>().strategy.id;
      const id = `${owner.userId}:${strategyId}`;
      if (ownerOf(id, [live.membership.member, other]) === other) runId = id;
    }
    await new LiveStore(t.sql).save({
      id: runId,
      strategyId,
      version: 1,
      userId: owner.userId,
      tier: 'free',
      portfolioId: owner.userId,
      params: {},
      feeds: [{ symbol: SYMBOL, interval: '1m' }],
      warmupBars: 0,
    });
    // It decided 7 candles and gave 2 signals there, as of its checkpoint.
    await new LiveStore(t.sql).checkpoint([
      { id: runId, atMs: Date.UTC(2026, 0, 1), candles: 7, signals: 2 },
    ]);
    const listed = (await as(owner, 'GET', '/live-strategies')).json<{ runs: Array<{ id: string }> }>();
    expect(listed.runs).toEqual([
      expect.objectContaining({ id: runId, strategyId, state: 'running', candles: 7, signals: 2 }),
    ]);
    const path = `/live-strategies/${encodeURIComponent(runId)}`;
    expect((await as(owner, 'GET', path)).json()).toMatchObject({ run: { id: runId, state: 'running' } });
    // Not this user's: 404, from the store as from the runner.
    expect((await as(api.user, 'GET', path)).statusCode).toBe(404);
    // Paused here, in the store: the process that runs it reads it at its next sync.
    expect((await as(owner, 'POST', `${path}/pause`)).json()).toMatchObject({
      run: { state: 'paused', pause: { code: 'user' } },
    });
    expect((await new LiveStore(t.sql).get(runId))?.state).toBe('paused');
    const resumed = (await as(owner, 'POST', `${path}/resume`)).json<{ run: { state: string } }>();
    expect(resumed.run.state).toBe('running');
    // It never ran on this process.
    expect(live.host.runner.status(runId)).toBeUndefined();
  });
});
