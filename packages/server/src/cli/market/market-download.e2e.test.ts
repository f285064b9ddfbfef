/**
 * Issue 48, history for every user: a brand-new non-admin account runs `tickline market download`
 * against a running `tickline start`, whose venue (a Binance mock) serves real REST paging. The
 * first user's download fetches every day; a second user's same download is free (no venue call,
 * no quota), and both read the candles through the market API. The first start imported the
 * history that ships with the project, which the forms open on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BinanceMock } from '@tickline/market/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, signUpAndIn } from '../../testing/api-clients.ts';
import { embeddedTestEnv, runTickline, startTicklineServer, type RunningServer } from '@tickline/testing';

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;
const DAY0 = Math.floor(Date.now() / DAY) * DAY - 5 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-download-'));
const binance = new BinanceMock();
let server: RunningServer | undefined;

beforeAll(async () => {
  await binance.listen();
  binance.klines.set(
    'BTCUSDT',
    Array.from({ length: 2 * 1_440 }, (_, i) => {
      const t = DAY0 + i * MINUTE;
      const p = 60_000 + (i % 50);
      return [
        t,
        `${p}`,
        `${p + 5}`,
        `${p - 5}`,
        `${p + 1}`,
        '1.5',
        t + MINUTE - 1,
        '90000',
        12,
        '0.7',
        '42000',
        '0',
      ];
    }),
  );
  server = await startTicklineServer(
    embeddedTestEnv(dataDir, {
      TICKLINE_STRATEGY_HISTORY_DOWNLOAD_REST_URLS_BINANCE: binance.restUrl,
      // A fresh install's default: the shipped Binance history is imported at the first start.
      TICKLINE_STRATEGY_HISTORY_IMPORT_SHIPPED: 'true',
    }),
  );
}, 180_000);

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  await binance.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('market download - a non-admin gets venue history through tickline start', () => {
  it('market download e2e - fetched once with progress, free the second time, read by both users', async () => {
    const url = server!.url;
    const download = (token: string) =>
      runTickline(
        [
          'market',
          'download',
          'BTC-USDT:1h:binance',
          '--from',
          iso(DAY0),
          '--to',
          iso(DAY0 + 2 * DAY),
          '--json',
        ],
        {
          TICKLINE_URL: url,
          TICKLINE_TOKEN: token,
        },
      );
    const alice = await signUpAndIn(url, `alice-${Date.now()}@example.com`);
    // A fresh install holds the shipped history: the forms' window (most candles first).
    const held = await callJson(url, 'GET', '/api/v1/history/series', { bearer: alice.accessToken });
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    expect(held.body.series).toHaveLength(4);
    expect(held.body.series[0]).toMatchObject({
      venue: 'binance',
      interval: '1h',
      from: '2020-12-01T00:00:00.000Z',
      candles: 5_482,
    });
    const first = await download(alice.accessToken);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('download BTC-USDT 1h from binance');
    expect(first.stderr).toContain('2/2');
    expect(JSON.parse(first.stdout)).toMatchObject({
      status: 'complete',
      daysDone: 2,
      venueDays: 2,
      candles: 48,
    });
    const calls = binance.restRequests.length;
    expect(calls).toBe(4); // two pages of 1m klines a day

    const bob = await signUpAndIn(url, `bob-${Date.now()}@example.com`);
    const second = await download(bob.accessToken);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({
      status: 'complete',
      venueDays: 0,
      venueCalls: 0,
      candles: 48,
    });
    expect(binance.restRequests.length).toBe(calls);

    for (const user of [alice, bob]) {
      const r = await callJson(
        url,
        'GET',
        `/api/v1/markets/BTC-USDT/candles?interval=1h&from=${DAY0}&to=${DAY0 + 2 * DAY}&limit=100`,
        {
          bearer: user.accessToken,
        },
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect((r.body.candles as unknown[]).length).toBe(48);
    }
  });
});
