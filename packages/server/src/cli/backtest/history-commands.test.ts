import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMA_CROSS_SOURCE } from '@tickline/strategy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '@tickline/cli';
import { seedDataDir } from '@tickline/testing';
import { runRecorded } from '../test-io.test-support.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

/** Binance kline CSV rows; the second half with times in microseconds, as 2025+ spot files have. */
function klineCsv(count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const close = 100 + 20 * Math.sin(i / 15);
    const open = 100 + 20 * Math.sin((i - 1) / 15);
    const scale = i < count / 2 ? 1 : 1000;
    const t = (T0 + i * HOUR) * scale;
    const closeT = (T0 + (i + 1) * HOUR) * scale - 1;
    lines.push(
      [
        t,
        open,
        Math.max(open, close) + 1,
        Math.min(open, close) - 1,
        close,
        10,
        closeT,
        10 * close,
        7,
        5,
        50,
        0,
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

describe('tickline market import and tickline backtest', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tickline-history-'));
    env = { TICKLINE_DATA_DIR: dir };
    // Its commands open a migrated database: the first import would run every migration first.
    await seedDataDir(env);
    await writeFile(join(dir, 'BTCUSDT-1h-2026-01.csv'), klineCsv(300));
    await writeFile(join(dir, 'sma.ts'), SMA_CROSS_SOURCE);
    await writeFile(
      join(dir, 'broken.csv'),
      '1767225600000,1,2,0.5,1.5,10,1767229199999,15,7,5,7,0\n1767229200000,oops\n',
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('market import - reads symbol and interval from the file name, both time units, with progress', async () => {
    const run = await runRecorded(['market', 'import', join(dir, 'BTCUSDT-1h-2026-01.csv'), '--json'], env);
    expect(run.outcome, run.stderr).toBe(ExitCode.Ok);
    expect(JSON.parse(run.stdout)).toEqual({
      symbol: 'BTC-USDT',
      interval: '1h',
      exchange: 'binance',
      candles: 300,
      stored: 300,
      from: new Date(T0).toISOString(),
      to: new Date(T0 + 299 * HOUR).toISOString(),
      // Straight into the data directory: the candles belong to no upload.
      upload: null,
    });
    expect(run.stderr).toContain('import BTC-USDT 1h [');
    // Again: the same rows replace themselves (same revision), nothing is duplicated.
    const again = await runRecorded(['market', 'import', join(dir, 'BTCUSDT-1h-2026-01.csv'), '--json'], env);
    expect(JSON.parse(again.stdout).candles).toBe(300);
  }, 120_000);

  it('market import - a bad line is a usage error naming the line', async () => {
    const run = await runRecorded(
      ['market', 'import', join(dir, 'broken.csv'), '--symbol', 'ETH-USDT', '--interval', '1h'],
      env,
    );
    expect(run.outcome).toBe(ExitCode.Usage);
    expect(run.stderr).toContain('line 2');
  }, 60_000);

  it('market import - history older than the candle retention is kept on the default retention, then backtested', async () => {
    // Binance ETH-USDT hourly klines of 2020-12 to 2021-07, gzip-compressed as committed.
    const file = fileURLToPath(
      new URL('../../../../../docs/research-reports/history/ETHUSDT-1h-2020-12-01_2021-07-17.csv.gz', import.meta.url),
    );
    const importArgs = ['market', 'import', file, '--symbol', 'ETH-USDT', '--interval', '1h', '--json'];
    const backtestArgs = ['backtest', '--strategy', join(dir, 'sma.ts'), '--symbol', 'ETH-USDT', '--interval', '1h'];
    backtestArgs.push('--from', '2020-12-01', '--to', '2021-07-18', '--json');
    const kept = await runRecorded(importArgs, env);
    expect(kept.outcome, kept.stderr).toBe(ExitCode.Ok);
    expect(kept.stderr).toContain(`storing into ${join(dir, 'db')}`);
    expect(JSON.parse(kept.stdout)).toMatchObject({ candles: 5_482, stored: 5_482 });
    // Imported history, read back beside the recorded candles (old-history.e2e.test.ts: after a
    // restart's partition maintenance too).
    const backtest = await runRecorded(backtestArgs, env);
    expect(backtest.outcome, backtest.stderr).toBe(ExitCode.Ok);
    expect(JSON.parse(backtest.stdout)).toMatchObject({ symbol: 'ETH-USDT', bars: 5_482 });
  }, 120_000);

  it('backtest - runs the stored candles with a progress bar and prints metrics; --json for scripts', async () => {
    const args = [
      'backtest',
      '--strategy',
      join(dir, 'sma.ts'),
      '--symbol',
      'BTC-USDT',
      '--interval',
      '1h',
      '--from',
      new Date(T0).toISOString(),
      '--to',
      new Date(T0 + 300 * HOUR).toISOString(),
      '-p',
      'fast=5',
      '-p',
      'slow=20',
    ];
    const table = await runRecorded(args, env);
    expect(table.outcome, table.stderr).toBe(ExitCode.Ok);
    expect(table.stdout).toContain('300 bars');
    expect(table.stdout).toMatch(/total return\s+-?\d+\.\d\d%/);
    expect(table.stderr).toContain('100%');
    const json = await runRecorded([...args, '--json'], env);
    const body = JSON.parse(json.stdout);
    expect(body.bars).toBe(300);
    expect(body.params).toEqual({ fast: 5, slow: 20 });
    expect(body.metrics.trades).toBeGreaterThan(0);
    expect(body.trades).toHaveLength(body.metrics.trades);
  }, 120_000);

  it('backtest --feed - several feeds in one run, each loaded; bad pairs refused', async () => {
    const imported = await runRecorded(
      ['market', 'import', join(dir, 'BTCUSDT-1h-2026-01.csv'), '--symbol', 'ETH-USDT', '--json'],
      env,
    );
    expect(imported.outcome, imported.stderr).toBe(ExitCode.Ok);
    const range = ['--from', new Date(T0).toISOString(), '--to', new Date(T0 + 300 * HOUR).toISOString()];
    const base = ['backtest', '--strategy', join(dir, 'sma.ts'), ...range, '-p', 'fast=5', '-p', 'slow=20'];
    const two = await runRecorded([...base, '--feed', 'BTC-USDT:1h', '--feed', 'ETH-USDT:1h', '--json'], env);
    expect(two.outcome, two.stderr).toBe(ExitCode.Ok);
    const body = JSON.parse(two.stdout);
    expect(body.feeds).toEqual([
      { symbol: 'BTC-USDT', interval: '1h' },
      { symbol: 'ETH-USDT', interval: '1h' },
    ]);
    // Both feeds' bars ran, and the strategy traded on each (it orders on the feed that closed).
    expect(body.bars).toBe(600);
    expect(new Set(body.trades.map((t: { symbol: string }) => t.symbol))).toEqual(
      new Set(['BTC-USDT', 'ETH-USDT']),
    );
    const table = await runRecorded([...base, '--feed', 'BTC-USDT:1h', '--feed', 'ETH-USDT:1h'], env);
    expect(table.stdout).toMatch(/BTC-USDT 1h .* 300 bars\nETH-USDT 1h .* 300 bars/);
    const noPair = await runRecorded([...base, '--feed', 'BTC-USDT'], env);
    expect(noPair.stderr).toContain('--feed: expected SYMBOL:INTERVAL');
    const both = await runRecorded([...base, '--feed', 'BTC-USDT:1h', '--symbol', 'BTC-USDT'], env);
    expect(both.stderr).toContain('not both');
    const missing = await runRecorded([...base, '--feed', 'BTC-USDT:1h', '--feed', 'SOL-USDT:1h'], env);
    expect(missing.stderr).toContain('[STRATEGY_NO_DATA]');
  }, 120_000);

  it('backtest - a range with no candles and a bad parameter fail with their codes', async () => {
    const base = ['backtest', '--strategy', join(dir, 'sma.ts'), '--symbol', 'BTC-USDT', '--interval', '1h'];
    const empty = await runRecorded([...base, '--from', '2020-01-01', '--to', '2020-02-01'], env);
    expect(empty.outcome).toBe(ExitCode.Failure);
    expect(empty.stderr).toContain('[STRATEGY_NO_DATA]');
    const badParam = await runRecorded(
      [...base, '--from', '2026-01-01', '--to', '2026-01-10', '-p', 'fast=zero'],
      env,
    );
    expect(badParam.stderr).toContain('[STRATEGY_PARAM_INVALID]');
  }, 120_000);
});
