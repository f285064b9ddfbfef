import { until } from '@tickline/testing';
import { BinanceMock, CoinbaseMock, UpbitMock } from '@tickline/market/internal';
import { silentLogger, systemClock, type EventEnvelope } from '@tickline/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMA_CROSS_SOURCE } from '../examples/sma-cross.ts';
import { HistoryDownloads } from '../history/history-downloads.ts';
import { HistoryDownloadSettingsSchema } from '../history/download-settings.ts';
import { createStrategyTestApp, type StrategyTestApp } from '../testing/strategy-test-app.ts';

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;
/** Three whole UTC days, a week back: closed, so each is recorded as held. */
const DAY0 = Math.floor(Date.now() / DAY) * DAY - 7 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();
const price = (i: number) => 100 + (i % 17);

function binanceRows(days: number): unknown[][] {
  return Array.from({ length: days * 1_440 }, (_, i) => {
    const t = DAY0 + i * MINUTE;
    const p = price(i);
    return [t, `${p}`, `${p + 2}`, `${p - 1}`, `${p + 1}`, '10', t + MINUTE - 1, '1000', 5, '4', '400', '0'];
  });
}
const coinbaseRows = (days: number) =>
  Array.from({ length: days * 1_440 }, (_, i) => {
    const p = price(i);
    return {
      start: `${(DAY0 + i * MINUTE) / 1000}`,
      low: `${p - 1}`,
      high: `${p + 2}`,
      open: `${p}`,
      close: `${p + 1}`,
      volume: '3',
    };
  });
const upbitRows = (days: number) =>
  Array.from({ length: days * 1_440 }, (_, i) => {
    const p = price(i);
    return {
      market: 'KRW-BTC',
      candle_date_time_utc: iso(DAY0 + i * MINUTE).slice(0, 19),
      opening_price: p,
      high_price: p + 2,
      low_price: p - 1,
      trade_price: p + 1,
      candle_acc_trade_volume: 2,
      candle_acc_trade_price: 200,
      timestamp: DAY0 + i * MINUTE,
    };
  });

/** History downloads against the venue mocks: the venue's paging and limits, the shared store. */
describe('history downloads', () => {
  let t: StrategyTestApp;
  let base: string;
  const binance = new BinanceMock();
  const coinbase = new CoinbaseMock();
  const upbit = new UpbitMock();
  beforeAll(async () => {
    await Promise.all([binance.listen(), coinbase.listen(), upbit.listen()]);
    binance.klines.set('BTCUSDT', binanceRows(3));
    coinbase.candles.set('BTC-USD', coinbaseRows(3));
    upbit.candles.set('KRW-BTC', upbitRows(3));
    t = await createStrategyTestApp({
      settings: {
        history: {
          importShipped: false,
          download: HistoryDownloadSettingsSchema.parse({
            venueDaysPerDay: { free: 5 },
            restUrls: { binance: binance.restUrl, coinbase: coinbase.restUrl, upbit: upbit.restUrl },
          }),
        },
      },
    });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all([binance.close(), coinbase.close(), upbit.close()]);
  });

  const call = async (auth: Record<string, string>, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, any> };
  };
  /** The `history.download.completed` of `id`, waited for as the dashboard does (bounded generously). */
  const completed = async (id: string, events: EventEnvelope[] = t.events) => {
    const done = () =>
      events.find((x) => x.type === 'history.download.completed' && (x.data as any).download.id === id);
    await until(() => done() !== undefined, {
      timeoutMs: 60_000,
      what: `history.download.completed for ${id}`,
    });
    return (done()!.data as any).download as Record<string, any>;
  };
  const klineCalls = () => binance.restRequests.filter((u) => u.pathname === '/api/v3/klines');

  it("pages through Binance's klines once, and a second user's same range costs nothing", async () => {
    const alice = await t.user();
    const ask = {
      venue: 'binance',
      symbol: 'BTC-USDT',
      interval: '1h',
      from: iso(DAY0),
      to: iso(DAY0 + 3 * DAY),
    };
    const started = await call(alice.auth, 'POST', '/history/downloads', ask);
    expect([started.status, started.json.download.status]).toEqual([202, 'running']);
    const done = await completed(started.json.download.id);
    expect(done).toMatchObject({
      status: 'complete',
      daysTotal: 3,
      daysDone: 3,
      venueDays: 3,
      candles: 72,
      error: null,
    });
    // 1,440 minutes a day in pages of at most 1,000 rows: two requests a day, each resuming after the last row.
    const pages = klineCalls().map((u) => [
      Number(u.searchParams.get('startTime')),
      Number(u.searchParams.get('limit')),
    ]);
    expect(pages).toEqual([
      [DAY0, 1000],
      [DAY0 + 1000 * MINUTE, 440],
      [DAY0 + DAY, 1000],
      [DAY0 + DAY + 1000 * MINUTE, 440],
      [DAY0 + 2 * DAY, 1000],
      [DAY0 + 2 * DAY + 1000 * MINUTE, 440],
    ]);
    const progress = t.events.filter(
      (e) => e.type === 'history.download.progress' && e.subject === alice.userId,
    );
    expect(progress.map((e) => (e.data as any).download.daysDone)).toEqual([1, 2, 3]);

    // Bob asks for the same days, at another interval: held already, so no venue call and no quota.
    const bob = await t.user();
    const before = klineCalls().length;
    for (const interval of ['1h', '1m', '1d']) {
      const again = await call(bob.auth, 'POST', '/history/downloads', { ...ask, interval });
      expect([again.status, again.json.download.status, again.json.download.venueDays]).toEqual([
        200,
        'complete',
        0,
      ]);
      expect(again.json.download.candles).toBe({ '1h': 72, '1m': 3 * 1_440, '1d': 3 }[interval]);
    }
    expect(klineCalls().length).toBe(before);
    // Bob backtests on what Alice fetched; a range nobody fetched says how to get it.
    const strategyId = (
      await call(bob.auth, 'POST', '/strategies', { name: 'sma', source: SMA_CROSS_SOURCE })
    ).json.strategy.id as string;
    const run = { strategyId, symbol: 'BTC-USDT', interval: '1m', from: iso(DAY0), to: iso(DAY0 + DAY) };
    expect((await call(bob.auth, 'POST', '/backtests', run)).status).toBe(202);
    const empty = await call(bob.auth, 'POST', '/backtests', {
      ...run,
      from: iso(DAY0 - 2 * DAY),
      to: iso(DAY0 - DAY),
    });
    expect([empty.status, empty.json.error.code]).toEqual([422, 'STRATEGY_NO_DATA']);
    expect(empty.json.error.message).toContain(
      `tickline market download --symbol BTC-USDT --interval 1m --venue binance --from ${iso(DAY0 - 2 * DAY).replace('.000Z', 'Z')}`,
    );
    expect(empty.json.error.message).toContain('Get history');
    const listed = await call(bob.auth, 'GET', '/history/downloads');
    expect(listed.json.downloads).toHaveLength(3);
    expect(
      (await call(alice.auth, 'GET', `/history/downloads/${listed.json.downloads[0].id}`)).json.error.code,
    ).toBe('STRATEGY_DOWNLOAD_NOT_FOUND');
  });

  it("refuses past the tier's venue days with Retry-After, and a bad range, changing nothing", async () => {
    const carol = await t.user();
    const long = {
      venue: 'upbit',
      symbol: 'BTC-KRW',
      interval: '1h',
      from: iso(DAY0 - 10 * DAY),
      to: iso(DAY0),
    };
    const refused = await call(carol.auth, 'POST', '/history/downloads', long);
    expect([refused.status, refused.json.error.code, refused.json.error.details.needed]).toEqual([
      429,
      'STRATEGY_DOWNLOAD_QUOTA',
      10,
    ]);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const backwards = await call(carol.auth, 'POST', '/history/downloads', {
      ...long,
      from: long.to,
      to: long.from,
    });
    expect([backwards.status, backwards.json.error.code]).toEqual([400, 'STRATEGY_DOWNLOAD_RANGE']);
    const badVenue = await call(carol.auth, 'POST', '/history/downloads', { ...long, venue: 'kraken' });
    expect(badVenue.status).toBe(400);
    expect((await call(carol.auth, 'GET', '/history/downloads')).json.downloads).toEqual([]);
    expect(upbit.restRequests).toHaveLength(0);
  });

  it("waits out a 429's Retry-After on Upbit's backward paging, then stores the day", async () => {
    const waits: Array<[number, string]> = [];
    const events: EventEnvelope[] = [];
    const downloads = new HistoryDownloads({
      sql: t.sql,
      clock: systemClock,
      logger: silentLogger,
      publish: (e) => events.push(e),
      settings: HistoryDownloadSettingsSchema.parse({ restUrls: { upbit: upbit.restUrl } }),
      sleep: async (ms) => void waits.push([ms, 'slept']),
    });
    await downloads.start();
    const user = await t.user();
    upbit.failRest(1, {
      status: 429,
      body: { error: { name: 'too_many_requests' } },
      headers: { 'retry-after': '3' },
    });
    const d = await downloads.request({
      userId: user.userId,
      tier: 'free',
      venue: 'upbit',
      symbol: 'BTC-KRW',
      interval: '15m',
      fromMs: DAY0,
      toMs: DAY0 + DAY,
    });
    const done = await completed(d.id, events);
    expect(done).toMatchObject({ status: 'complete', venueDays: 1, candles: 96 });
    expect(waits.map(([ms]) => ms)).toContain(3_000);
    // 1,440 minutes, 200 a page, newest first, each page's `to` the oldest open time of the last.
    const tos = upbit.restRequests.map((u) => u.searchParams.get('to'));
    expect(tos[0]).toBe(tos[1]); // the refused page asked again
    expect(tos).toHaveLength(1 + Math.ceil(1_440 / 200));
    expect(Date.parse(tos[2]!)).toBe(DAY0 + DAY - 200 * MINUTE);
    await downloads.stop();
  });

  it('resumes a download cut off on day two where it stopped, fetching no held day again', async () => {
    let broken = false;
    let cut = false;
    const flaky: typeof fetch = async (input, init) => {
      if (broken) throw new TypeError('fetch failed');
      return fetch(input, init);
    };
    const events: EventEnvelope[] = [];
    const downloads = new HistoryDownloads({
      sql: t.sql,
      clock: systemClock,
      logger: silentLogger,
      publish: (e) => {
        events.push(e);
        // The connection drops once, after the first day is stored.
        if (e.type === 'history.download.progress' && !cut) broken = cut = true;
      },
      settings: HistoryDownloadSettingsSchema.parse({ restUrls: { coinbase: coinbase.restUrl } }),
      fetch: flaky,
      sleep: async () => {},
    });
    await downloads.start();
    const dave = await t.user();
    const ask = {
      userId: dave.userId,
      tier: 'free',
      venue: 'coinbase' as const,
      symbol: 'BTC-USD',
      interval: '5m',
      fromMs: DAY0,
      toMs: DAY0 + 3 * DAY,
    };
    const first = await downloads.request(ask);
    const failed = await completed(first.id, events);
    expect(failed).toMatchObject({
      status: 'failed',
      daysDone: 1,
      venueDays: 1,
      error: { code: 'MARKET_VENUE_FAILED' },
    });
    const dayOneCalls = coinbase.restRequests.length;
    expect(dayOneCalls).toBe(Math.ceil(1_440 / 300));

    broken = false;
    events.length = 0;
    const resumed = await downloads.request(ask);
    expect(resumed.id).toBe(first.id);
    const done = await completed(first.id, events);
    expect(done).toMatchObject({
      status: 'complete',
      daysDone: 3,
      venueDays: 3,
      candles: 3 * 288,
      error: null,
    });
    // Days two and three only: the held first day is not asked for again.
    const starts = coinbase.restRequests
      .slice(dayOneCalls)
      .map((u) => Number(u.searchParams.get('start')) * 1000);
    expect(Math.min(...starts)).toBe(DAY0 + DAY);
    expect(starts).toHaveLength(2 * Math.ceil(1_440 / 300));
    await downloads.stop();
  });
  it('picks up a download the previous process left running, at the day it stopped', async () => {
    binance.klines.set('ETHUSDT', binanceRows(3));
    const settings = HistoryDownloadSettingsSchema.parse({ restUrls: { binance: binance.restUrl } });
    const events: EventEnvelope[] = [];
    const first: HistoryDownloads = new HistoryDownloads({
      sql: t.sql,
      clock: systemClock,
      logger: silentLogger,
      // The process stops once the first day is stored.
      publish: (e) => {
        events.push(e);
        if (e.type === 'history.download.progress') void first.stop();
      },
      settings,
    });
    await first.start();
    const erin = await t.user();
    const d = await first.request({
      userId: erin.userId,
      tier: 'free',
      venue: 'binance',
      symbol: 'ETH-USDT',
      interval: '1d',
      fromMs: DAY0,
      toMs: DAY0 + 3 * DAY,
    });
    await until(() => events.some((e) => e.type === 'history.download.progress'), {
      timeoutMs: 60_000,
      what: 'history.download.progress',
    });
    await first.idle();
    const left = await first.get(erin.userId, d.id);
    expect(left).toMatchObject({ status: 'running', daysDone: 1 });
    const before = klineCalls().filter((u) => u.searchParams.get('symbol') === 'ETHUSDT').length;

    const next = new HistoryDownloads({
      sql: t.sql,
      clock: systemClock,
      logger: silentLogger,
      publish: (e) => events.push(e),
      settings,
    });
    await next.start();
    const done = await completed(d.id, events);
    expect(done).toMatchObject({ status: 'complete', daysDone: 3, venueDays: 3, candles: 3 });
    const resumed = klineCalls()
      .filter((u) => u.searchParams.get('symbol') === 'ETHUSDT')
      .slice(before)
      .map((u) => Number(u.searchParams.get('startTime')));
    expect(Math.min(...resumed)).toBeGreaterThanOrEqual(DAY0 + DAY);
    await next.stop();
  });
});
