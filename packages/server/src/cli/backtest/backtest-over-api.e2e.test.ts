/**
 * Issue 26, `tickline backtest` while `tickline start` holds the data directory: against a real
 * server, candles go in through `market import` (an admin's token), then a signed-up user's
 * backtest of a strategy file on the same data directory runs on the server and prints its
 * metrics; the same file again (with `--url` and `--json`) reuses the saved version.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMA_CROSS_SOURCE } from '@tickline/strategy';
import { HOUR, T0, waveCandles } from '@tickline/strategy/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, initialAdminToken, signUpAndIn } from '../../testing/api-clients.ts';
import {
  embeddedTestEnv,
  runTickline,
  startTicklineServer,
  type RunningServer,
} from '@tickline/testing';
import { klineRow } from '@tickline/cli';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-backtest-api-e2e-'));
const work = mkdtempSync(join(tmpdir(), 'tickline-backtest-api-files-'));
const BARS = 300;
let server: RunningServer;

beforeAll(async () => {
  server = await startTicklineServer(embeddedTestEnv(dataDir, { TICKLINE_MARKET_ENABLED: 'false' }));
}, 120_000);

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('tickline backtest - against tickline start', () => {
  it('backtest e2e - the locked store runs it on the server, metrics printed; again reuses the version', async () => {
    const csv = join(work, 'BTCUSDT-1h-2026-01.csv');
    writeFileSync(csv, `${waveCandles('BTC-USDT', BARS).map(klineRow).join('\n')}\n`);
    const admin = await initialAdminToken(server.url, dataDir);
    const imported = await runTickline(['market', 'import', csv], {
      TICKLINE_DATA_DIR: dataDir,
      TICKLINE_URL: server.url,
      TICKLINE_TOKEN: admin,
    });
    expect(imported.code, imported.stderr).toBe(0);

    const user = await signUpAndIn(server.url, `backtester.${Date.now()}@example.com`);
    const file = join(work, 'sma.ts');
    writeFileSync(file, SMA_CROSS_SOURCE);
    const args = ['backtest', '--strategy', file, '--symbol', 'BTC-USDT', '--interval', '1h'];
    args.push('--from', String(T0), '--to', String(T0 + BARS * HOUR), '-p', 'fast=5', '-p', 'slow=20');
    // The same data directory the server holds: STORE_LOCKED, so the run goes to the server.
    const env = { TICKLINE_DATA_DIR: dataDir, TICKLINE_URL: server.url, TICKLINE_TOKEN: user.accessToken };
    const table = await runTickline(args, env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stderr).toContain('running on the server at');
    expect(table.stderr).toContain('strategy sma.ts: version 1 (created)');
    expect(table.stderr).toMatch(/backtest BTC-USDT 1h \[#{30}\] 100%/);
    expect(table.stdout).toContain(`${BARS} bars`);
    expect(table.stdout).toMatch(/total return\s+-?\d+\.\d\d%/);
    expect(table.stdout).toMatch(/trades\s+[1-9]\d*\n/);

    const json = await runTickline([...args, '--json', '--url', server.url], {
      TICKLINE_TOKEN: user.accessToken,
    });
    expect(json.code, json.stderr).toBe(0);
    expect(json.stderr).toContain('strategy sma.ts: version 1 (unchanged)');
    const body = JSON.parse(json.stdout);
    expect(body).toMatchObject({
      symbol: 'BTC-USDT',
      interval: '1h',
      bars: BARS,
      params: { fast: 5, slow: 20 },
    });
    expect(body.trades).toHaveLength(body.metrics.trades);
    const listed = await callJson(server.url, 'GET', '/api/v1/strategies', { bearer: user.accessToken });
    expect(listed.body.strategies).toMatchObject([{ name: 'sma.ts', latestVersion: 1 }]);
  }, 90_000);
});
