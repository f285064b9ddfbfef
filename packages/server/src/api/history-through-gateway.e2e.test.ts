/**
 * Issue 26's history uploads in the scaled topology, with real processes on one nats-server,
 * PostgreSQL and redis-server: `tickline market import` pointed at a gateway (which forwards the
 * upload routes to the `strategy` process), the candles read through the gateway (the market
 * module there, with the read cache in Redis), a backtest on them run by the strategy process,
 * and `tickline market uploads delete` through the gateway again. The latest candles are read
 * before the import and before the delete, so the cache holds them: the upload's
 * `market.history.changed` events, applied by the candle projection on `platform`, must drop them
 * (before, the gateway served the cached answer until it expired, five minutes later).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMA_CROSS_SOURCE } from '@tickline/strategy';
import { until, runTickline } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, initialAdminToken } from '../testing/api-clients.ts';
import {
  scaledClusterDependencies,
  startScaledCluster,
  type ClusterProcess,
  type ScaledCluster,
} from '../testing/scaled-cluster.ts';

const HISTORY = fileURLToPath(
  new URL(
    '../../../../docs/research-reports/history/ETHUSDT-1h-2020-12-01_2021-07-17.csv.gz',
    import.meta.url,
  ),
);
const ROWS = 5_482;
/** The file's last candle opens 2021-07-17 20:00 UTC. */
const LAST_OPEN = Date.UTC(2021, 6, 17, 20);
const HOUR = 3_600_000;
/** Work across processes on a busy machine: generous. */
const WAIT_MS = 90_000;

const { available, reason } = scaledClusterDependencies({ redis: true });
let cluster: ScaledCluster | undefined;
let platform: ClusterProcess;
let gateway: ClusterProcess;
/** The user's shell: its own data directory, which must stay untouched. */
const shell = mkdtempSync(join(tmpdir(), 'tickline-history-gateway-shell-'));

beforeAll(async () => {
  if (!available) return;
  cluster = await startScaledCluster({
    name: 'history_gateway',
    stream: 'HISTGW',
    authSecret: 'history-through-gateway-secret-0123456789',
    redis: true,
  });
  // No collector: the only candles are the ones the test imports.
  platform = await cluster.start('platform');
  await cluster.start('strategy');
  gateway = await cluster.start('gateway');
}, 180_000);
afterAll(async () => {
  await cluster?.stop();
  rmSync(shell, { recursive: true, force: true });
}, 60_000);

describe.skipIf(!available)(`history through a gateway - import, read, backtest, delete (${reason})`, () => {
  it('history through a gateway - an admin imports with the CLI; the latest candles, a backtest and the delete all go through it', async () => {
    const token = await initialAdminToken(gateway.url, platform.dataDir);
    const server = {
      TICKLINE_URL: gateway.url,
      TICKLINE_TOKEN: token,
      TICKLINE_DATA_DIR: join(shell, 'data'),
    };
    const latest = async (): Promise<number[]> => {
      const r = await callJson(gateway.url, 'GET', '/api/v1/markets/ETH-USDT/candles?interval=1h&limit=3', {
        bearer: token,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return (r.body.candles as Array<{ openTime: number }>).map((c) => c.openTime);
    };
    const lastThree = [LAST_OPEN - 2 * HOUR, LAST_OPEN - HOUR, LAST_OPEN];

    // Given nothing of the series yet, read once (the gateway caches the empty answer)
    expect(await latest()).toEqual([]);
    expect(await latest()).toEqual([]);

    // When the file is imported through the gateway
    const imported = await runTickline(
      ['market', 'import', HISTORY, '--symbol', 'ETH-USDT', '--interval', '1h', '--json'],
      server,
    );
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain(`uploading to the server at ${gateway.url}`);
    const summary = JSON.parse(imported.stdout) as { upload: string; candles: number };
    expect(summary.candles).toBe(ROWS);
    expect(existsSync(join(shell, 'data'))).toBe(false);

    // Then the gateway's latest candles are the imported ones
    await until(async () => (await latest()).join() === lastThree.join(), {
      what: 'the imported candles read through the gateway',
      timeoutMs: WAIT_MS,
      intervalMs: 200,
    });

    // And a backtest over them, started through the gateway, runs on the strategy process
    const created = await callJson(gateway.url, 'POST', '/api/v1/strategies', {
      bearer: token,
      body: { name: 'cross', source: SMA_CROSS_SOURCE },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const started = await callJson(gateway.url, 'POST', '/api/v1/backtests', {
      bearer: token,
      body: {
        strategyId: created.body.strategy.id,
        symbol: 'ETH-USDT',
        interval: '1h',
        from: Date.UTC(2021, 0, 1),
        to: Date.UTC(2021, 3, 1),
      },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const id = started.body.backtest.id as string;
    let run: { status: string; bars?: number; error?: unknown } = { status: 'queued' };
    await until(
      async () => {
        const r = await callJson(gateway.url, 'GET', `/api/v1/backtests/${id}`, { bearer: token });
        run = r.body.backtest;
        return run.status !== 'queued' && run.status !== 'running';
      },
      { what: 'the backtest to finish', timeoutMs: WAIT_MS, intervalMs: 250 },
    );
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');

    // When the upload is listed and deleted with the CLI, through the gateway
    const mine = await runTickline(['market', 'uploads', '--json'], server);
    expect(mine.code, mine.stderr).toBe(0);
    expect(JSON.parse(mine.stdout)).toMatchObject({ uploads: [{ id: summary.upload, candles: ROWS }] });
    expect(await latest()).toEqual(lastThree); // (cached again)
    const deleted = await runTickline(['market', 'uploads', 'delete', summary.upload], server);
    expect([deleted.code, deleted.stdout], deleted.stderr).toEqual([
      0,
      `deleted upload ${summary.upload} and the candles it stored\n`,
    ]);

    // Then the gateway stops serving them, well before the cache's entries would expire
    await until(async () => (await latest()).length === 0, {
      what: 'the deleted candles gone from the gateway',
      timeoutMs: WAIT_MS,
      intervalMs: 200,
    });
    const range = await callJson(
      gateway.url,
      'GET',
      `/api/v1/markets/ETH-USDT/candles?interval=1h&from=${Date.UTC(2021, 0, 1)}&to=${Date.UTC(2021, 1, 1)}`,
      { bearer: token },
    );
    expect(range.body.candles).toEqual([]);
  }, 300_000);
});
