/**
 * History downloads of shares through the API (issue 49), against the Alpaca and KIS mocks over
 * real sockets with the accounts of their configured sources: AAPL.US from Alpaca's minute bars,
 * cut by the NYSE sessions (a weekend day makes no venue call); 005930.KS from KIS's daily chart,
 * 1d only. A symbol or interval the venue does not serve is refused before anything is recorded.
 */
import { until } from '@tickline/testing';
import {
  AlpacaMock,
  historyVenueAccounts,
  KisMock,
  MarketSchema,
  type KisMockDailyBar,
} from '@tickline/market/internal';
import type { EventEnvelope } from '@tickline/kernel';
import { silentLogger, systemClock } from '@tickline/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryDownloads } from '../history/history-downloads.ts';
import { HistoryDownloadSettingsSchema } from '../history/download-settings.ts';
import { createStrategyTestApp, type StrategyTestApp } from '../testing/strategy-test-app.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Monday 2025-06-02, 09:30 in New York (13:30 UTC). */
const MONDAY = Date.UTC(2025, 5, 2);
const NY_OPEN = Date.UTC(2025, 5, 2, 13, 30);
const iso = (ms: number) => new Date(ms).toISOString();

/** KRX weekdays of January and February 2025 as daily-chart rows. */
function kisRows() {
  const rows: KisMockDailyBar[] = [];
  for (let t = Date.UTC(2025, 0, 2); t < Date.UTC(2025, 2, 1); t += DAY) {
    if ([0, 6].includes(new Date(t).getUTCDay())) continue;
    const p = String(50_000 + rows.length * 100);
    rows.push({
      stck_bsop_date: iso(t).slice(0, 10).replaceAll('-', ''),
      stck_oprc: p,
      stck_hgpr: p,
      stck_lwpr: p,
      stck_clpr: p,
      acml_vol: '1000',
      acml_tr_pbmn: '50000000',
    });
  }
  return rows;
}

describe('history downloads of shares', () => {
  const alpaca = new AlpacaMock();
  const kis = new KisMock();
  let t: StrategyTestApp;
  let base: string;
  beforeAll(async () => {
    await Promise.all([alpaca.listen(), kis.listen()]);
    // Monday's session and an hour of pre-market, minute by minute.
    alpaca.bars.set(
      'AAPL',
      Array.from({ length: 450 }, (_, i) => ({
        t: iso(NY_OPEN - 60 * MINUTE + i * MINUTE),
        o: 200,
        h: 201,
        l: 199,
        c: 200,
        v: 5,
        n: 2,
        vw: 200,
      })),
    );
    kis.dailyBars.set('005930', kisRows());
    const sources = MarketSchema.parse({
      sources: [
        {
          kind: 'alpaca',
          symbols: ['AAPL.US'],
          keyId: 'mock-key',
          secretKey: 'mock-secret',
          restUrl: alpaca.restUrl,
        },
        {
          kind: 'kis',
          symbols: ['005930.KS'],
          appKey: 'mock-app-key',
          appSecret: 'mock-app-secret',
          restUrl: kis.restUrl,
        },
      ],
    }).sources;
    t = await createStrategyTestApp({
      settings: {
        history: { importShipped: false, download: HistoryDownloadSettingsSchema.parse({}) },
      },
      historyAccounts: historyVenueAccounts(sources),
    });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all([alpaca.close(), kis.close()]);
  });

  const call = async (auth: Record<string, string>, body: unknown) => {
    const res = await fetch(`${base}/api/v1/history/downloads`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
  const completed = async (id: string, events: EventEnvelope[] = t.events) => {
    const done = () =>
      events.find((e) => e.type === 'history.download.completed' && (e.data as any).download.id === id);
    await until(() => done() !== undefined, {
      timeoutMs: 60_000,
      what: `history.download.completed for ${id}`,
    });
    return (done()!.data as any).download as Record<string, any>;
  };

  it('alpaca - a week of AAPL.US at 1h: session bars only, no call for the weekend', async () => {
    const user = await t.user();
    const started = await call(user.auth, {
      venue: 'alpaca',
      symbol: 'AAPL.US',
      interval: '1h',
      from: iso(MONDAY),
      to: iso(MONDAY + 7 * DAY),
    });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    const done = await completed(started.json.download.id);
    // Monday 09:30-16:00: 09:30-10:00, then six whole hours; the pre-market hour left out.
    expect(done).toMatchObject({
      status: 'complete',
      daysTotal: 7,
      daysDone: 7,
      venueDays: 7,
      candles: 7,
      error: null,
    });
    const bars = alpaca.restRequests.filter((u) => u.pathname === '/v2/stocks/AAPL/bars');
    expect(bars.map((u) => u.searchParams.get('start')!.slice(0, 10))).toEqual([
      '2025-06-02',
      '2025-06-03',
      '2025-06-04',
      '2025-06-05',
      '2025-06-06',
    ]);
  });

  it('kis - two months of 005930.KS daily bars in one call, each its KRX session', async () => {
    const user = await t.user();
    const started = await call(user.auth, {
      venue: 'kis',
      symbol: '005930.KS',
      interval: '1d',
      from: '2025-01-01T00:00:00Z',
      to: '2025-03-01T00:00:00Z',
    });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    const done = await completed(started.json.download.id);
    expect(done).toMatchObject({ status: 'complete', daysTotal: 59, venueDays: 59, error: null });
    // The rows on weekdays the calendar calls holidays (Seollal) are kept: the venue traded them.
    expect(done.candles).toBe(kisRows().length);
    expect(done.venueCalls).toBe(1);
    expect(kis.tokens).toBe(1);
    const { rows } = await t.sql.query<{ open_time: string; close_time: string }>(
      `select open_time, close_time from market_candle_history where symbol = '005930.KS' and interval = '1d' order by open_time limit 2`,
    );
    // 2025-01-02 opens at 10:00 in Seoul (the first trading day); 2025-01-03 at 09:00; both close 15:30.
    expect(rows.map((r) => [Number(r.open_time), Number(r.close_time)])).toEqual([
      [Date.UTC(2025, 0, 2, 1), Date.UTC(2025, 0, 2, 6, 30)],
      [Date.UTC(2025, 0, 3, 0), Date.UTC(2025, 0, 3, 6, 30)],
    ]);
  });

  it('refuses what a venue does not serve, recording nothing; a share venue needs an account', async () => {
    const user = await t.user();
    const ask = { from: iso(MONDAY), to: iso(MONDAY + DAY) };
    for (const body of [
      { ...ask, venue: 'kis', symbol: '005930.KS', interval: '1h' },
      { ...ask, venue: 'alpaca', symbol: '005930.KS', interval: '1d' },
      { ...ask, venue: 'binance', symbol: 'AAPL.US', interval: '1h' },
    ]) {
      const refused = await call(user.auth, body);
      expect([refused.status, refused.json.error.code], JSON.stringify(body)).toEqual([
        400,
        'STRATEGY_DOWNLOAD_VENUE',
      ]);
    }
    const none = new HistoryDownloads({
      sql: t.sql,
      clock: systemClock,
      logger: silentLogger,
      publish: () => undefined,
      settings: HistoryDownloadSettingsSchema.parse({}),
    });
    await expect(
      none.request({
        userId: user.userId,
        tier: 'free',
        venue: 'alpaca',
        symbol: 'AAPL.US',
        interval: '1h',
        fromMs: MONDAY,
        toMs: MONDAY + DAY,
      }),
    ).rejects.toMatchObject({ code: 'MARKET_VENUE_NO_ACCOUNT' });
    const listed = await fetch(`${base}/api/v1/history/downloads`, { headers: user.auth });
    expect(((await listed.json()) as { downloads: unknown[] }).downloads).toEqual([]);
  });
});
