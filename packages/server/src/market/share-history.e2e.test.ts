/**
 * Issue 49 through the whole `all` role in-process (embedded log, PGlite, port 0), configured with
 * a KIS source on its loopback mock: the markets API names 005930.KS's exchange, currency and
 * session; any signed-in user downloads its daily bars over the download API, with the account
 * the configured source carries (the server's config is the only place the app key is given), and
 * reads them back, split-adjustable, from the candles API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { KisMock, type KisMockDailyBar } from '@tickline/market/internal';
import { seedDataDir, until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, type RunningProcess } from '../bootstrap/bootstrap.ts';
import { loadTicklineConfig } from '../config/load.ts';
import { callJson, signUpAndIn } from '../testing/api-clients.ts';

const DAY = 86_400_000;

/** KRX weekdays of March 2025 (no holiday in it) as the daily chart's rows. */
function march(): KisMockDailyBar[] {
  const rows: KisMockDailyBar[] = [];
  for (let t = Date.UTC(2025, 2, 3); t < Date.UTC(2025, 3, 1); t += DAY) {
    if ([0, 6].includes(new Date(t).getUTCDay())) continue;
    const p = String(55_000 + rows.length * 100);
    rows.push({
      stck_bsop_date: new Date(t).toISOString().slice(0, 10).replaceAll('-', ''),
      stck_oprc: p,
      stck_hgpr: p,
      stck_lwpr: p,
      stck_clpr: p,
      acml_vol: '1000',
      acml_tr_pbmn: '55000000',
    });
  }
  return rows;
}

describe('shares through tickline - session state and history download', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-shares-'));
  const kis = new KisMock();
  let running: RunningProcess;
  let base: string;

  beforeAll(async () => {
    await kis.listen();
    kis.dailyBars.set('005930', march());
    const config = loadTicklineConfig({
      env: {
        TICKLINE_DATA_DIR: dataDir,
        TICKLINE_HTTP_PORT: '0',
        TICKLINE_HTTP_HOST: '127.0.0.1',
        TICKLINE_LOG_LEVEL: 'silent',
        TICKLINE_STRATEGY_HISTORY_IMPORT_SHIPPED: 'false',
        TICKLINE_MARKET_SOURCES: JSON.stringify([
          {
            kind: 'kis',
            symbols: ['005930.KS'],
            appKey: 'mock-app-key',
            appSecret: 'mock-app-secret',
            url: kis.wsUrl,
            restUrl: kis.restUrl,
          },
        ]),
      },
    });
    await seedDataDir({ TICKLINE_DATA_DIR: dataDir });
    running = await bootstrap(config, {
      logger: silentLogger,
      metrics: createMetricsRegistry(),
      handleSignals: false,
    });
    base = running.url!.replace('localhost', '127.0.0.1');
  }, 180_000);
  afterAll(async () => {
    await running?.stop();
    await kis.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shares e2e - the listing and session, then the daily bars downloaded with the source account', async () => {
    const market = await callJson(base, 'GET', '/api/v1/markets/005930.KS');
    expect(market.status, JSON.stringify(market.body)).toBe(200);
    expect(market.body.market).toMatchObject({
      symbol: '005930.KS',
      configured: true,
      listing: { exchange: 'KS', name: 'Korea Exchange', currency: 'KRW', timeZone: 'Asia/Seoul' },
    });
    expect(['open', 'early-close', 'closed']).toContain(market.body.market.session.state);

    const user = await signUpAndIn(base, `shares.${Date.now()}@example.com`);
    const asked = await callJson(base, 'POST', '/api/v1/history/downloads', {
      bearer: user.accessToken,
      body: {
        venue: 'kis',
        symbol: '005930.KS',
        interval: '1d',
        from: '2025-03-01T00:00:00Z',
        to: '2025-04-01T00:00:00Z',
      },
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(202);
    const id = asked.body.download.id as string;
    let download: Record<string, any> = asked.body.download;
    await until(
      async () => {
        download = (
          await callJson(base, 'GET', `/api/v1/history/downloads/${id}`, { bearer: user.accessToken })
        ).body.download;
        return download.status !== 'running';
      },
      { timeoutMs: 60_000, what: `download ${id} to end` },
    );
    expect(download).toMatchObject({
      status: 'complete',
      candles: march().length,
      venueCalls: 1,
      error: null,
    });
    expect(kis.tokens).toBe(1);

    const candles = await callJson(
      base,
      'GET',
      `/api/v1/markets/005930.KS/candles?interval=1d&exchange=kis&from=${Date.UTC(2025, 2, 1)}&to=${Date.UTC(2025, 3, 1)}&adjust=split`,
    );
    expect(candles.status, JSON.stringify(candles.body)).toBe(200);
    expect(candles.body.candles).toHaveLength(march().length);
    // Each bar is its session: 09:00 to 15:30 in Seoul.
    expect(candles.body.candles[0]).toMatchObject({
      openTime: Date.UTC(2025, 2, 3, 0),
      closeTime: Date.UTC(2025, 2, 3, 6, 30),
      close: 55_000,
    });
  });
});
