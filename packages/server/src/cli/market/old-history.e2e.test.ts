/**
 * Issue 26, venue history from 2020–21 into a running `tickline start`, the way a user does it
 * from another shell: `tickline market import` with TICKLINE_URL. The import used to open that
 * shell's own `./data` (nobody held it, so no STORE_LOCKED), report every candle stored, and leave
 * the server without them; and with the default two-year candle retention the server's partition
 * maintenance would have dropped them within the hour anyway (later the import refused them).
 * Now the named server gets them as imported history, which the retention does not touch: on the
 * default settings they outlive a restart (and its maintenance pass), are read back, backtested
 * and researched, and go when their upload is deleted.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMA_CROSS_SOURCE } from '@tickline/strategy';
import { afterAll, describe, expect, it } from 'vitest';
import { callJson, initialAdminToken } from '../../testing/api-clients.ts';
import {
  embeddedTestEnv,
  runTickline,
  startTicklineServer,
  type RunningServer,
} from '@tickline/testing';

const HISTORY = fileURLToPath(
  new URL(
    '../../../../../docs/research-reports/history/ETHUSDT-1h-2020-12-01_2021-07-17.csv.gz',
    import.meta.url,
  ),
);
const ROWS = 5_482;
const FROM = Date.UTC(2020, 11, 1);
const TO = Date.UTC(2021, 6, 17, 21);
const HOUR = 3_600_000;
const POLL_MS = 250;

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-old-history-'));
/** The user's other shell: its own (empty) data directory, which must stay untouched. */
const shell = mkdtempSync(join(tmpdir(), 'tickline-old-history-shell-'));
let server: RunningServer | undefined;

async function restart(env: Record<string, string> = {}): Promise<{ url: string; token: string }> {
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  server = await startTicklineServer(embeddedTestEnv(dataDir, env));
  return { url: server.url, token: await initialAdminToken(server.url, dataDir) };
}

const importHistory = (url: string, token: string) =>
  runTickline(['market', 'import', HISTORY, '--symbol', 'ETH-USDT', '--interval', '1h', '--json'], {
    TICKLINE_DATA_DIR: join(shell, 'data'),
    TICKLINE_URL: url,
    TICKLINE_TOKEN: token,
  });

async function candlesOf(url: string, token: string, from: number, to: number): Promise<number[]> {
  const r = await callJson(
    url,
    'GET',
    `/api/v1/markets/ETH-USDT/candles?interval=1h&from=${from}&to=${to}&limit=5000`,
    {
      bearer: token,
    },
  );
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return (r.body.candles as Array<{ openTime: number }>).map((c) => c.openTime);
}

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(shell, { recursive: true, force: true });
});

describe('market import - 2020–21 history into a running server', () => {
  it('old history e2e - imported on the default retention, kept across a restart; read, backtested, researched, deleted', async () => {
    // Default retention (two years, for recorded candles): the history goes in as it is.
    let { url, token } = await restart();
    const imported = await importHistory(url, token);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain('uploading to the server at');
    const summary = JSON.parse(imported.stdout) as { upload: string };
    expect(summary).toMatchObject({
      symbol: 'ETH-USDT',
      interval: '1h',
      candles: ROWS,
      upload: expect.any(String),
    });
    // The shell's own data directory was never opened.
    expect(existsSync(join(shell, 'data'))).toBe(false);

    // A restart runs partition maintenance at start-up: the candles are still there.
    ({ url, token } = await restart());
    const firstDay = await candlesOf(url, token, FROM, FROM + 24 * HOUR);
    expect(firstDay).toEqual(Array.from({ length: 24 }, (_, i) => FROM + i * HOUR));
    const [head, tail] = [
      await candlesOf(url, token, FROM, TO - 2_000 * HOUR),
      await candlesOf(url, token, TO - 2_000 * HOUR, TO),
    ];
    expect(head.length + tail.length).toBe(ROWS);

    // `tickline backtest` from that shell runs on the server's candles.
    const file = join(shell, 'sma.ts');
    writeFileSync(file, SMA_CROSS_SOURCE);
    const backtest = await runTickline(
      [
        'backtest',
        '--strategy',
        file,
        '--symbol',
        'ETH-USDT',
        '--interval',
        '1h',
        '--from',
        '2020-12-01',
        '--to',
        '2021-07-18',
        '--json',
      ],
      { TICKLINE_DATA_DIR: join(shell, 'data'), TICKLINE_URL: url, TICKLINE_TOKEN: token },
    );
    expect(backtest.code, backtest.stderr).toBe(0);
    expect(backtest.stderr).toContain('running on the server at');
    const result = JSON.parse(backtest.stdout);
    expect(result).toMatchObject({ symbol: 'ETH-USDT', interval: '1h', bars: ROWS });
    expect(result.metrics.trades).toBeGreaterThan(0);
    expect(existsSync(join(shell, 'data'))).toBe(false);

    // And research on the same range, which answered STRATEGY_NO_DATA before.
    const { body: listed } = await callJson(url, 'GET', '/api/v1/strategies', { bearer: token });
    const strategyId = (listed.strategies as Array<{ id: string; name: string }>).find(
      (s) => s.name === 'sma.ts',
    )!.id;
    const queued = await callJson(url, 'POST', '/api/v1/research', {
      bearer: token,
      body: {
        kind: 'lookahead',
        strategyId,
        version: 1,
        feeds: [{ symbol: 'ETH-USDT', interval: '1h', exchange: 'binance' }],
        from: new Date(FROM).toISOString(),
        to: new Date(TO).toISOString(),
        points: 5,
      },
    });
    expect(queued.status, JSON.stringify(queued.body)).toBe(202);
    let detail;
    do {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      detail = (await callJson(url, 'GET', `/api/v1/research/${queued.body.research.id}`, { bearer: token }))
        .body;
    } while (detail.research.status === 'queued' || detail.research.status === 'running');
    expect(detail.research.status, JSON.stringify(detail.research.error)).toBe('succeeded');
    const lookahead = detail.report.lookahead as { ok: boolean; cutoffs: number[]; signals: number };
    expect(lookahead).toMatchObject({ ok: true, cutoffs: expect.any(Array) as unknown });
    expect(lookahead.cutoffs).toHaveLength(5);
    // Cut points spread over the imported range, and the full run traded.
    expect(lookahead.cutoffs.every((t) => t > FROM && t <= TO)).toBe(true);
    expect(lookahead.signals).toBeGreaterThan(0);

    // Deleting the upload takes its candles out again: the id the import printed, through the CLI.
    const server = { TICKLINE_URL: url, TICKLINE_TOKEN: token };
    const mine = await runTickline(['market', 'uploads', '--json'], server);
    expect(JSON.parse(mine.stdout)).toMatchObject({ uploads: [{ id: summary.upload, candles: ROWS }] });
    const deleted = await runTickline(['market', 'uploads', 'delete', summary.upload], server);
    expect([deleted.code, deleted.stdout], deleted.stderr).toEqual([
      0,
      `deleted upload ${summary.upload} and the candles it stored\n`,
    ]);
    expect(await candlesOf(url, token, FROM, FROM + 24 * HOUR)).toEqual([]);
    const { body: uploads } = await callJson(url, 'GET', '/api/v1/history/uploads', { bearer: token });
    expect(uploads.uploads).toEqual([]);
  }, 600_000);
});
