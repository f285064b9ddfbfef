import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BinanceMock } from '@tickline/market/internal';
import { lockDataDir } from '@tickline/store';
import { loadFeed } from '@tickline/strategy';
import { createStrategyTestApp, type StrategyTestApp } from '@tickline/strategy/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '@tickline/cli';
import { runRecorded } from '../test-io.test-support.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 2, 1);

/** `count` 1m kline rows from T0 + `from` minutes (REST rows carry string decimals). */
function klineRows(from: number, count: number): Array<Array<string | number>> {
  return Array.from({ length: count }, (_, k) => {
    const t = T0 + (from + k) * MINUTE;
    const open = 100 + ((from + k) % 50);
    return [
      t,
      String(open),
      String(open + 2),
      String(open - 1),
      String(open + 1),
      '1',
      t + MINUTE - 1,
      String(open),
      3,
      '0',
      '0',
      '0',
    ];
  });
}

/**
 * `market import` and `market backfill` while another process holds the data directory: they go
 * through the running server's upload API instead of failing with STORE_LOCKED.
 */
describe('market import and backfill through a running server', () => {
  let t: StrategyTestApp;
  let mock: BinanceMock;
  let dir: string;
  let unlock: () => Promise<void>;
  let env: Record<string, string>;
  let url: string;
  beforeAll(async () => {
    t = await createStrategyTestApp();
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    mock = await new BinanceMock().listen();
    mock.klines.set('BTCUSDT', klineRows(0, 1_200));
    dir = await mkdtemp(join(tmpdir(), 'tickline-over-api-'));
    await mkdir(join(dir, 'db'));
    // The server's lock on its embedded database, as `tickline start` takes it.
    unlock = await lockDataDir(join(dir, 'db'));
    // No URL: the CLI finds the server that holds the directory on its config's HTTP port.
    env = {
      TICKLINE_DATA_DIR: dir,
      TICKLINE_HTTP_PORT: new URL(url).port,
      TICKLINE_TOKEN: (await t.admin()).accessToken,
    };
  }, 120_000);
  afterAll(async () => {
    await unlock?.();
    await mock?.close();
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });
  const stored = async (symbol: string, interval: '1m' | '1h') =>
    (await loadFeed(t.sql, { symbol, interval, from: T0, to: T0 + 100 * 3_600_000 })).columns.openTime.length;

  it('market import uploads the file in chunks with progress', { timeout: 120_000 }, async () => {
    const file = join(dir, 'ETHUSDT-1m-2026-03.csv');
    await writeFile(
      file,
      `${klineRows(0, 3_000)
        .map((r) => r.join(','))
        .join('\n')}\n`,
    );
    const run = await runRecorded(['market', 'import', file, '--json'], env);
    expect(run.outcome, run.stderr).toBe(ExitCode.Ok);
    expect(run.stderr).toContain(
      `the server holds the data directory: uploading through http://127.0.0.1:${env.TICKLINE_HTTP_PORT}`,
    );
    expect(run.stderr).toMatch(/upload ETH-USDT 1m \[#+\] 100%/);
    expect(JSON.parse(run.stdout)).toMatchObject({ symbol: 'ETH-USDT', interval: '1m', candles: 3_000 });
    expect(await stored('ETH-USDT', '1m')).toBe(3_000);
  });

  it(
    'a server named by TICKLINE_URL gets the file, though nobody holds this shell’s data directory',
    { timeout: 120_000 },
    async () => {
      // Another shell: its own data directory is free, so there is no STORE_LOCKED to go by.
      const shell = await mkdtemp(join(tmpdir(), 'tickline-other-shell-'));
      const file = join(shell, 'BNBUSDT-1m-2026-03.csv');
      await writeFile(
        file,
        `${klineRows(0, 500)
          .map((r) => r.join(','))
          .join('\n')}\n`,
      );
      const run = await runRecorded(['market', 'import', file, '--json'], {
        TICKLINE_DATA_DIR: join(shell, 'data'),
        TICKLINE_URL: url,
        TICKLINE_TOKEN: env.TICKLINE_TOKEN!,
      });
      expect(run.outcome, run.stderr).toBe(ExitCode.Ok);
      expect(run.stderr).toContain(`uploading to the server at ${url}`);
      expect(await stored('BNB-USDT', '1m')).toBe(500);
      expect(existsSync(join(shell, 'data'))).toBe(false);
      // The server keeps the file's name, not where it sat in this shell.
      const listed = await fetch(`${url}/api/v1/history/uploads?limit=1`, {
        headers: { authorization: `Bearer ${env.TICKLINE_TOKEN}` },
      });
      const { uploads } = (await listed.json()) as { uploads: Array<{ name: string }> };
      expect(uploads[0]!.name).toBe('BNBUSDT-1m-2026-03.csv');
      await rm(shell, { recursive: true, force: true });
    },
  );

  it('market backfill fetches here and stores through the server', { timeout: 120_000 }, async () => {
    const run = await runRecorded(
      [
        'market',
        'backfill',
        '--source',
        'binance',
        '--symbol',
        'BTC-USDT',
        '--interval',
        '1h',
        '--from',
        String(T0),
        '--to',
        String(T0 + 20 * 3_600_000),
        '--rest-url',
        mock.restUrl,
        '--json',
      ],
      env,
    );
    expect(run.outcome, run.stderr).toBe(ExitCode.Ok);
    expect(JSON.parse(run.stdout)).toMatchObject({ symbol: 'BTC-USDT', interval: '1h', candles: 20 });
    expect(await stored('BTC-USDT', '1h')).toBe(20);
  });

  it('a wrong layout is the server’s coded refusal and stores nothing', { timeout: 60_000 }, async () => {
    const file = join(dir, 'SOLUSDT-1m-2026-03.csv');
    await writeFile(file, 'time,price,size\n1772323200000,101.5,0.2\n');
    const run = await runRecorded(['market', 'import', file], { ...env });
    expect(run.stderr).toContain('[MARKET_CSV_ROW_INVALID]');
    expect(run.outcome).not.toBe(ExitCode.Ok);
    expect(await stored('SOL-USDT', '1m')).toBe(0);
  });
});
