import { silentLogger, type Logger } from '@tickline/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripTypes } from '../api/compile-strategy.ts';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import { EQUITY_POINTS } from '../core/downsample.ts';
import { SMA_CROSS_SOURCE } from '../examples/sma-cross.ts';
import { shareFeeds, sliceFeeds } from '../research/feeds.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';
import { runInSandbox } from './sandbox.ts';
import { StrategyProcesses } from './strategy-processes.ts';

const LIMITS = { memoryMb: 256, cpuMs: 20_000 };
const settings = resolveBacktestSettings({ takerFee: 0.001 });
const js = stripTypes(SMA_CROSS_SOURCE);

describe('strategy processes', () => {
  const logged: Array<Record<string, unknown>> = [];
  const logger: Logger = {
    ...silentLogger,
    child: () => logger,
    error: (fields: string | Record<string, unknown>) => {
      if (typeof fields === 'object') logged.push(fields);
    },
  };
  const processes = new StrategyProcesses({ backtestProcesses: 1, compileProcesses: 1, logger });
  beforeAll(async () => {
    await processes.start();
    await processes.ready();
  }, 60_000);
  afterAll(() => processes.stop());

  it('a run through a process gives what the sandbox on this thread gives, run after run', async () => {
    // Feeds of several sizes one after another: the process reuses its feed memory between calls.
    for (const [bars, seed] of [
      [120_000, 1],
      [60_000, 2],
      [150_000, 3],
      [60_000, 4],
    ] as const) {
      const feeds = shareFeeds([randomWalkFeed('BTC-USDT', '1m', 60_000, bars, seed)]);
      const here = await runInSandbox({ code: js, feeds, settings }, LIMITS);
      // The whole curve (by file, as research asks for it) and the chart's points (inline, as backtests do)
      const full = await processes.run({ code: js, feeds, settings }, LIMITS);
      const cut = await processes.run({ code: js, feeds, settings, equityPoints: EQUITY_POINTS }, LIMITS);
      expect(here.trades.length).toBeGreaterThan(100);
      for (const there of [full, cut]) {
        expect(there.trades).toEqual(here.trades);
        expect(there.metrics).toEqual(here.metrics);
      }
      expect([...full.equity.value]).toEqual([...here.equity.value]);
      expect(cut.equity.time.length).toBe(EQUITY_POINTS + 1);
      expect(cut.equity.value.at(-1)).toBe(here.equity.value.at(-1));
    }
  }, 120_000);

  it('windows of one feed cross once: later runs name the feed and a range, and give what this thread gives', async () => {
    const [feed] = shareFeeds([randomWalkFeed('BTC-USDT', '1m', 60_000, 70_000, 9)]);
    const dataOf = () =>
      (processes.health().info as { backtest: { data: { sent: number; held: number } } }).backtest.data;
    const before = dataOf();
    const ct = feed!.columns.closeTime;
    for (let w = 0; w < 5; w++) {
      const feeds = sliceFeeds([feed!], ct[w * 10_000]!, ct[w * 10_000 + 20_000]!);
      const job = { code: js, feeds, settings, params: { fast: 5 + w, slow: 30 } };
      const here = await runInSandbox(job, LIMITS);
      const there = await processes.run(job, LIMITS);
      expect([here.bars, there.bars]).toEqual([20_000, 20_000]);
      expect(there.trades).toEqual(here.trades);
      expect(there.metrics).toEqual(here.metrics);
    }
    const after = dataOf();
    expect(after.sent - before.sent).toBe(1);
    expect(after.held - before.held).toBe(4);
  }, 120_000);

  it('a fault of the sandbox itself reaches the caller as a fixed text; the log has the fault', async () => {
    // A source that is not a string: the compile process fails on our side, not the user's.
    const fault = await processes.compile(42 as unknown as string, {}, 'someone').catch((e: unknown) => e);
    expect(fault).toMatchObject({
      code: 'STRATEGY_SANDBOX_FAILED',
      message: 'the sandbox failed for a reason of its own; the fault was logged',
    });
    expect(logged).toContainEqual(
      expect.objectContaining({ pool: 'compile', fault: expect.stringContaining('TypeError') }),
    );
    // And the pool goes on: the next compile is served.
    await expect(processes.compile(SMA_CROSS_SOURCE, {}, 'someone')).resolves.toMatchObject({
      params: { fast: expect.any(Object) },
    });
  }, 60_000);

  it('code that makes its error look like a fault is refused after three, as a killer is', async () => {
    // An unhandled rejection whose stack the strategy rewrote: it reads as made on the host
    const code = `export default defineStrategy({ onCandle() {
      const e = new Error('not me'); e.stack = 'Error: not me'; (async () => { throw e; })();
    } });`;
    const feeds = [randomWalkFeed('BTC-USDT', '1m', 60_000, 200, 1)];
    for (let i = 0; i < 3; i++)
      await expect(processes.run({ code, feeds, settings }, LIMITS, 'forger')).rejects.toMatchObject({
        code: 'STRATEGY_SANDBOX_FAILED',
        message: 'the sandbox failed for a reason of its own; the fault was logged',
      });
    await expect(processes.run({ code: js, feeds, settings }, LIMITS, 'forger')).rejects.toMatchObject({
      code: 'SANDBOX_SUSPENDED',
    });
    // Another tenant is served meanwhile
    await expect(processes.run({ code: js, feeds, settings }, LIMITS, 'neighbour')).resolves.toMatchObject({
      bars: 200,
    });
  }, 60_000);

  it('a replay stopped at its CPU limit is a strike, a backtest is not: three replays suspend the tenant', async () => {
    const code = 'export default defineStrategy({ onCandle() { for (;;) {} } });';
    const feeds = [randomWalkFeed('BTC-USDT', '1m', 60_000, 200, 1)];
    const short = { memoryMb: 64, cpuMs: 300 };
    const cpuLimit = { code: 'STRATEGY_CPU_LIMIT' };
    for (let i = 0; i < 3; i++)
      await expect(processes.run({ code, feeds, settings }, short, 'looping')).rejects.toMatchObject(
        cpuLimit,
      );
    await expect(processes.run({ code: js, feeds, settings }, LIMITS, 'looping')).resolves.toMatchObject({
      bars: 200,
    });
    for (let i = 0; i < 3; i++)
      await expect(processes.replay({ code, feeds, settings }, short, 'replayer')).rejects.toMatchObject(
        cpuLimit,
      );
    await expect(processes.replay({ code: js, feeds, settings }, LIMITS, 'replayer')).rejects.toMatchObject({
      code: 'SANDBOX_SUSPENDED',
    });
  }, 120_000);
});

describe('strategy processes that cannot start', () => {
  it('ready() is refused with a code and health is down with the reason, not a wait for ever', async () => {
    // An entry that does not exist: every child exits at once, as with a broken set-up.
    const entry = new URL('./no-such-process-entry.ts', import.meta.url);
    const processes = new StrategyProcesses({ backtestProcesses: 1, compileProcesses: 1, entry });
    await processes.start();
    try {
      await expect(processes.ready()).rejects.toMatchObject({ code: 'SANDBOX_UNAVAILABLE' });
      const health = processes.health();
      expect(health).toMatchObject({ status: 'down' });
      expect(health.detail).toMatch(/no (backtest|compile) process can start \(exited with code 1\)/);
    } finally {
      await processes.stop();
    }
  }, 60_000);
});
