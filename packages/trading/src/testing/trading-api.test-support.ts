/**
 * @module What the trading app's route tests each did before their cases: sign a user up, open their
 * paper portfolio from the opening snapshot, store a strategy, enable it live, wait for a backtest or
 * a research run to succeed. One place, so the tests state only what they check.
 */
import type { Candle } from '@tickline/market';
import { createEventSource, defineEvent, type EventEnvelope, ManualClock } from '@tickline/kernel';
import { until } from '@tickline/testing';
import { expect } from 'vitest';
import { z } from 'zod';
import { openingSnapshot } from './account-snapshots.ts';
import type { TradingTestApp } from './trading-test-app.ts';

type Inject = TradingTestApp['app']['inject'];
type Response = Awaited<ReturnType<Inject>>;
export type TestUser = Awaited<ReturnType<TradingTestApp['user']>>;

/** A signed-up user and a call to `/api/v1` with their credential. */
export interface TradingApi {
  user: TestUser;
  call(method: 'GET' | 'POST', url: string, payload?: object): Promise<Response>;
}

/** Buys 2 on the first candle, nothing after. */
export const BUY_ONCE_SOURCE = `export default defineStrategy({
  init: () => ({ bought: false }),
  onCandle(ctx) {
    if (!ctx.state.bought) { ctx.buy({ qty: 2, reason: 'first candle' }); ctx.state.bought = true; }
  },
});`;

const MINUTE = 60_000;
const CandleClosed = defineEvent({ type: 'market.candle.closed', description: 'test', schema: z.any() });
const market = createEventSource({ source: 'collector/test', clock: new ManualClock(0) });
const accounts = createEventSource({ source: 'strategy/accounts', clock: new ManualClock(0) });

/** A closed 1m candle of the `test` exchange, a point either side of `close`. */
export function minuteCandle(symbol: string, openTime: number, close: number): Candle {
  return {
    exchange: 'test',
    symbol,
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

/** The candle as the collector publishes it on the log. */
export function candleClosed(candle: Candle): EventEnvelope {
  return market.create(CandleClosed, { subject: candle.symbol, data: { ...candle, correction: false } });
}

/** Signs a user up on `t`. */
export async function signUp(t: TradingTestApp): Promise<TradingApi> {
  const user = await t.user();
  return {
    user,
    call: (method, url, payload) =>
      t.app.inject({ method, url: `/api/v1${url}`, headers: user.auth, ...(payload ? { payload } : {}) }),
  };
}

export interface OpenPortfolioOptions {
  /** @default 'USD' */
  currency?: string;
  /** How to wait for the portfolio; @default `until` with its defaults */
  wait?: (check: () => Promise<boolean>, what: string) => Promise<unknown>;
}

/** Appends the user's opening snapshot (10,000 of paper cash) and waits for their portfolio to open. */
export async function openPaperPortfolio(
  t: TradingTestApp,
  api: TradingApi,
  options: OpenPortfolioOptions = {},
): Promise<void> {
  await t.append([openingSnapshot(accounts, api.user.userId, options.currency)]);
  const wait = options.wait ?? until;
  await wait(
    async () => (await api.call('GET', '/portfolios')).json().portfolios.length === 1,
    'portfolio opened',
  );
}

/** Stores a strategy (a random name unless given); expects it created and returns its id. */
export async function createStrategy(
  api: TradingApi,
  source: string,
  fields: { name?: string; language?: string } = {},
): Promise<string> {
  const created = await api.call('POST', '/strategies', { name: `s${Math.random()}`, source, ...fields });
  expect(created.statusCode, created.body).toBe(201);
  return created.json<{ strategy: { id: string } }>().strategy.id;
}

/** Asks for version 1 live on the user's own portfolio, one feed, no warm-up. */
export function enableLive(
  api: TradingApi,
  strategyId: string,
  feed: { symbol: string; interval: string },
): Promise<Response> {
  return api.call('POST', '/live-strategies', {
    strategyId,
    version: 1,
    portfolioId: api.user.userId,
    feeds: [feed],
    warmupBars: 0,
  });
}

const LONG_RUN = { timeoutMs: 120_000 };

/** Queues a backtest, waits for it to end and expects it succeeded; returns its id. */
export async function backtestSucceeded(
  api: TradingApi,
  body: { strategyId: string; symbol: string; interval: string; from: number; to: number },
): Promise<string> {
  const queued = await api.call('POST', '/backtests', body);
  expect(queued.statusCode, queued.body).toBe(202);
  const id = queued.json().backtest.id as string;
  const status = async () => (await api.call('GET', `/backtests/${id}`)).json().backtest.status as string;
  await until(async () => !['queued', 'running'].includes(await status()), {
    what: `backtest ${id}`,
    ...LONG_RUN,
  });
  expect(await status()).toBe('succeeded');
  return id;
}

/** Starts a research run and waits for it to succeed. */
export async function researchSucceeded(api: TradingApi, body: object): Promise<void> {
  const id = (await api.call('POST', '/research', body)).json().research.id as string;
  await until(async () => (await api.call('GET', `/research/${id}`)).json().research.status === 'succeeded', {
    what: `research ${id}`,
    ...LONG_RUN,
  });
}
