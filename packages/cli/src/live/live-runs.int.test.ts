import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StrategyDefinition } from '@tickline/strategy/internal';
import { createLiveTestApp, type LiveTestApp } from '@tickline/trading/internal';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runRecorded } from '../test-io.test-support.ts';
import { liveLogs } from './live-run-actions.ts';

const SYMBOL = 'BTC-USDT';
/** Buys 1 on every candle. */
const buyer: StrategyDefinition = { onCandle: (ctx) => void ctx.buy({ qty: 1, reason: 'entry' }) };

/** `tickline login` and the live, orders, portfolio and profit commands against the live routes on a socket. */
describe('cli - live runs, orders and profit over a running server', () => {
  let t: LiveTestApp;
  let url: string;
  const config = mkdtempSync(join(tmpdir(), 'tickline-cli-'));
  /** No URL or token in the environment: the commands use what `login` stored. */
  const env = { XDG_CONFIG_HOME: config };
  const candle = () => t.nextCandle(SYMBOL);
  const position = () => t.books.position('pa', SYMBOL)?.quantity ?? 0;
  const cli = (...args: string[]) => runRecorded(args, env);

  beforeAll(async () => {
    t = await createLiveTestApp({
      portfolios: { pa: 'ada' },
      prices: { [SYMBOL]: 100 },
      strategies: { 's1@1': buyer },
    });
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(config, { recursive: true, force: true });
  });

  it('login stores the credential in a 0600 file; the commands use it; logout forgets it', async () => {
    const login = await cli('login', '--url', url, '--token', 'user:ada', '--no-verify');
    expect(login.outcome).toBe(0);
    const path = join(config, 'tickline', 'credentials.json');
    expect(login.stdout).toContain(`credential stored in ${path}`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ url, token: 'user:ada' });
    // The server names no /me here: a login it cannot check is refused and stores nothing.
    const unchecked = await runRecorded(['login', '--url', url, '--token', 'user:bob'], {
      XDG_CONFIG_HOME: join(config, 'other'),
    });
    expect(unchecked.outcome).toBe(1);
    expect(() => statSync(join(config, 'other', 'tickline', 'credentials.json'))).toThrow();

    const list = await cli('live', 'list', '--json');
    expect(list.stderr).toBe('');
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it('enable, stop-entry, force exit with its fill, orders, portfolio and profit', async () => {
    const bad = await cli('live', 'enable', '--strategy', 's1', '--version', '1', '--feed', 'BTC-USDT');
    expect(bad.outcome).toBe(2);
    expect(bad.stderr).toContain('expected SYMBOL:INTERVAL[:VENUE]');

    const enabled = await cli(
      'live',
      'enable',
      '--strategy',
      's1',
      '--version',
      '1',
      '--feed',
      'BTC-USDT:1m',
    );
    expect(enabled.outcome).toBe(0);
    expect(enabled.stdout).toContain('enabled live run pa:s1 (strategy s1 version 1)');
    await candle();
    await candle();
    expect(position()).toBe(2);

    const stopped = await cli('live', 'stop-entry', 'pa:s1');
    expect(stopped.stdout).toContain('pa:s1 is in stop-entry');
    await candle();
    expect(position()).toBe(2);
    const logs = await cli('live', 'logs', 'pa:s1');
    expect(logs.stdout).toContain(`stop-entry: buy 1 ${SYMBOL} not placed`);
    const shown = await cli('live', 'list');
    expect(shown.stdout).toMatch(/pa:s1 +s1 v1 +running \(stop-entry\) +3 +2 +2 BTC-USDT /);
    // Its last candle decided and its (dropped) order dealt with: settled, in the API and the view.
    const run = JSON.parse((await cli('live', 'show', 'pa:s1', '--json')).stdout) as {
      lastCandleTime: number;
      settledCandleTime?: number;
    };
    expect(run.settledCandleTime).toBe(run.lastCandleTime);
    const iso = new Date(run.lastCandleTime).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect((await cli('live', 'show', 'pa:s1')).stdout).toContain(`settled candle ${iso}`);

    const exit = await cli('live', 'force-exit', 'pa:s1', '--json');
    expect(exit.outcome).toBe(0);
    const [order] = JSON.parse(exit.stdout) as Array<{
      side: string;
      status: string;
      filledQuantity: number;
    }>;
    expect(order).toMatchObject({ side: 'sell', status: 'filled', filledQuantity: 2 });
    expect(position()).toBe(0);
    const none = await cli('live', 'force-exit', 'pa:s1');
    expect(none.stdout).toBe('pa:s1 holds no position: nothing to close\n');
    expect((await cli('live', 'list')).stdout).toMatch(/pa:s1 .* flat /);

    const orders = await cli('orders', '--all');
    expect(orders.stdout.split('\n')[0]).toMatch(
      /^updated +symbol +side +type +quantity +status +avg price +fee +origin$/,
    );
    expect(orders.stdout).toMatch(/BTC-USDT +sell +market +2 +filled +100/);
    const portfolio = await cli('portfolio', '--json');
    expect(JSON.parse(portfolio.stdout)).toMatchObject({ portfolioId: 'pa', positions: expect.any(Array) });
    // The force exit closed the run's trade: its exit reason says so.
    const profit = await cli('profit');
    expect(profit.stdout).toMatch(
      /^profit of pa: realised [-+]\d+\.\d\d, unrealised \+0\.00, fees \d+\.\d\d\n1 closed trades/,
    );
    expect(profit.stdout).toMatch(/^force_exit +1 /m);
    const runProfit = JSON.parse((await cli('profit', '--run', 'pa:s1', '--json')).stdout) as {
      trades: number;
    };
    expect(runProfit.trades).toBe(1);
    const trades = await cli('trades');
    expect(trades.stdout).toMatch(/^s1 +BTC-USDT +long .* 2 +100 +100 +.*force_exit$/m);
  });

  it('logs --follow prints new lines until interrupted; pause, resume, stop', async () => {
    // Followed until the line of a new candle shows: then interrupted, as Ctrl-C does.
    const stop = new AbortController();
    const lines: string[] = [];
    const seen = (): number =>
      lines.filter((l) => l.endsWith(`stop-entry: buy 1 ${SYMBOL} not placed\n`)).length;
    const io = {
      out: (text: string) => {
        lines.push(text);
        if (seen() === 2) stop.abort();
      },
      err: () => {},
      env,
      interrupted: stop.signal,
    };
    const following = liveLogs(io, 'pa:s1', { follow: true }, undefined, 20);
    await vi.waitFor(() => expect(seen()).toBe(1), { timeout: 20_000 });
    await candle();
    await following;
    expect(seen()).toBe(2);

    const paused = await cli('live', 'pause', 'pa:s1');
    expect(paused.stdout).toMatch(/^paused pa:s1\n/);
    expect(paused.stdout).toContain('paused by the owner');
    expect((await cli('live', 'resume', 'pa:s1')).stdout).toMatch(/^resumed pa:s1/);
    expect((await cli('live', 'stop', 'pa:s1')).stdout).toContain('stopped pa:s1');
    const gone = await cli('live', 'show', 'pa:s1');
    expect(gone.outcome).toBe(1);
    expect(gone.stderr).toContain('[STRATEGY_LIVE_NOT_FOUND]');

    expect((await cli('logout')).stdout).toContain('removed');
    const anonymous = await cli('live', 'list');
    expect(anonymous.outcome).toBe(2);
    expect(anonymous.stderr).toContain('tickline login');
  });
});
