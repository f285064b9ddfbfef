/**
 * The scheduled backfill through the real process: `tickline start` collecting from a Binance
 * source pointed at the loopback Binance mock; the `backfill-binance` job (run on demand by an
 * admin, as its cron would) fetches the venue's klines over REST, and the candles come out of the
 * candles API — fetched, published, projected, served.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BinanceMock } from '@tickline/market/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, initialAdminToken } from '../testing/api-clients.ts';
import { startTicklineServer, until, type RunningServer } from '@tickline/testing';

const MINUTE = 60_000;
// The first run looks back an hour: the venue's three minutes are from half an hour ago.
const T0 = Math.floor((Date.now() - 30 * MINUTE) / MINUTE) * MINUTE;
const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-backfill-'));
const mock = new BinanceMock();
let server: RunningServer | undefined;
let adminToken = '';

beforeAll(async () => {
  await mock.listen();
  mock.klines.set(
    'BTCUSDT',
    [0, 1, 2].map((i) => [
      T0 + i * MINUTE,
      String(100 + i),
      String(110 + i),
      String(90 + i),
      String(105 + i),
      '10',
      T0 + (i + 1) * MINUTE - 1,
      '1000',
      7,
      '5',
      '500',
      '0',
    ]),
  );
  server = await startTicklineServer({
    TICKLINE_DATA_DIR: dataDir,
    TICKLINE_HTTP_PORT: '0',
    TICKLINE_HTTP_HOST: '127.0.0.1',
    TICKLINE_SHUTDOWN_TIMEOUT_MS: '5000',
    TICKLINE_MARKET_SOURCES: JSON.stringify([
      { kind: 'binance', symbols: ['BTC-USDT'], url: mock.wsUrl, restUrl: mock.restUrl },
    ]),
  });
  adminToken = await initialAdminToken(server.url, dataDir);
});

afterAll(async () => {
  server?.child.kill('SIGKILL');
  await mock.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('market - scheduled backfill through the tickline process', () => {
  it('backfill - the job fetches the closed minutes over REST and the candles API serves them', async () => {
    const jobs = (await callJson(server!.url, 'GET', '/api/v1/markets/jobs', { bearer: adminToken })).body
      .jobs;
    expect(jobs.map((j: { name: string }) => j.name)).toEqual(
      expect.arrayContaining(['partition-maintenance', 'backfill-binance']),
    );
    const run = await callJson(server!.url, 'POST', '/api/v1/markets/jobs/backfill-binance/run', {
      bearer: adminToken,
    });
    expect(run.status).toBe(200);
    expect(run.body.run).toMatchObject({ job: 'backfill-binance', status: 'succeeded' });
    expect(run.body.run.details).toMatchObject({ symbols: 1, candles: 3 });

    let candles: Array<{ openTime: number; close: number; exchange: string }> = [];
    await until(
      async () => {
        const answer = await callJson(
          server!.url,
          'GET',
          `/api/v1/markets/BTC-USDT/candles?interval=1m&from=${T0}&to=${T0 + 3 * MINUTE}`,
          { bearer: adminToken },
        );
        candles = answer.status === 200 ? answer.body.candles : [];
        return candles.length >= 3;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'the three backfilled candles' },
    );
    expect(candles.map((c) => [c.exchange, c.openTime, c.close])).toEqual([
      ['binance', T0, 105],
      ['binance', T0 + MINUTE, 106],
      ['binance', T0 + 2 * MINUTE, 107],
    ]);
  });
});
