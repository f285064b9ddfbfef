/**
 * A realm set-up that throws (once: `gc` made a getter, which V8's own `gc` cannot become) threw
 * for every isolate of a sandbox process, its warm-up too: the process exited before it was ready,
 * was replaced by another that did the same, and a caller waiting for the pool waited for ever.
 * Now the set-up's failure is answered with its code at once, and the process stays and serves.
 */
import { silentLogger, type Logger } from '@tickline/kernel';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import { shareFeeds } from '../research/feeds.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';
import { BROKEN_REALM_SCRIPT } from '../testing/broken-realm.ts';
import { setBeforeHarden } from './engine-entries.ts';
import { LiveProcesses } from './live-processes.ts';
import { runInSandbox } from './sandbox.ts';
import { StrategyProcesses } from './strategy-processes.ts';

const SOURCE = 'export default defineStrategy({ onCandle() {} });';
const LIMITS = { memoryMb: 64, cpuMs: 5_000 };
const job = () => ({
  code: SOURCE,
  feeds: shareFeeds([randomWalkFeed('BTC-USDT', '1m', 60_000, 200, 1)]),
  settings: resolveBacktestSettings({}),
});
const SETUP_FAILED = { code: 'STRATEGY_SANDBOX_SETUP_FAILED' };
/** What the caller reads: the why is the platform's (the log has it). */
const TOLD = 'the sandbox could not set up a realm for the strategy; none of its code ran';

/** A logger that keeps what is logged at error. */
function errorLog(): { logger: Logger; logged: Array<{ fields: Record<string, unknown>; message?: string }> } {
  const logged: Array<{ fields: Record<string, unknown>; message?: string }> = [];
  const logger: Logger = {
    ...silentLogger,
    child: () => logger,
    error: (fields: string | Record<string, unknown>, message?: string) => {
      if (typeof fields === 'object') logged.push({ fields, message });
    },
  };
  return { logger, logged };
}

/** Every line is the set-up failure, with its cause. */
function expectSetupLines(logged: ReturnType<typeof errorLog>['logged'], count: number): void {
  expect(logged).toHaveLength(count);
  for (const line of logged) {
    expect(line.message).toBe('sandbox realm set-up failed');
    expect(String((line.fields.err as Error).message)).toContain('Cannot redefine property: eval');
  }
}

describe('a realm set-up that throws, on this thread', () => {
  afterEach(() => setBeforeHarden(undefined));

  it('a backtest is refused with the code, and says why', async () => {
    setBeforeHarden(BROKEN_REALM_SCRIPT);
    const error = await runInSandbox(job(), LIMITS).catch((e: unknown) => e);
    expect(error).toMatchObject(SETUP_FAILED);
    expect((error as Error).message).toMatch(/realm set-up failed: TypeError: Cannot redefine property: eval/);
  });
});

describe('a realm set-up that throws, in sandbox processes', () => {
  const { logger, logged } = errorLog();
  const processes = new StrategyProcesses({
    backtestProcesses: 1,
    compileProcesses: 1,
    logger,
    entry: new URL('../testing/broken-realm-entry.ts', import.meta.url),
  });
  // Before: every start exited at its warm-up, so the pool was never ready (this timed out).
  beforeAll(async () => {
    await processes.start();
    await processes.ready();
  }, 120_000);
  afterAll(() => processes.stop());

  it('backtests and a compile are refused at once with the code; the same processes serve on', async () => {
    for (let i = 0; i < 2; i++) await expect(processes.run(job(), LIMITS)).rejects.toMatchObject(SETUP_FAILED);
    await expect(processes.compile(SOURCE, {}, 'someone')).rejects.toMatchObject({
      ...SETUP_FAILED,
      message: TOLD,
    });
    const info = processes.health().info as Record<string, { ready: number; spawned: number; kills: object }>;
    const none = { cpu: 0, memory: 0, timeout: 0, crashed: 0, cancelled: 0 };
    expect(info.backtest).toMatchObject({ ready: 1, spawned: 1, kills: none });
    expect(info.compile).toMatchObject({ ready: 1, spawned: 1, kills: none });
    expectSetupLines(logged, 3);
  }, 120_000);
});

describe('a realm set-up that throws, in a live sandbox process', () => {
  it('an enable is refused at once with the code, no strike; the same process answers the next', async () => {
    const { logger, logged } = errorLog();
    const live = new LiveProcesses({
      processes: 1,
      logger,
      entry: new URL('../testing/broken-realm-live-entry.ts', import.meta.url),
    });
    try {
      const open = (runId: string) =>
        live.open({
          runId,
          tenant: 'someone',
          tenantMemoryMb: 32,
          code: SOURCE,
          feeds: [{ symbol: 'BTC-USDT', interval: '1m' }],
          settings: resolveBacktestSettings({}),
          params: {},
          capacity: 8,
          limits: { cpuMsPerCandle: 1_000, setupCpuMs: 2_000, warmupCpuMs: 2_000 },
        });
      // Before: the process exited at its warm-up, again and again, until opens were refused
      // SANDBOX_UNAVAILABLE.
      await expect(open('a')).rejects.toMatchObject({ ...SETUP_FAILED, message: TOLD });
      const [first] = live.stats();
      expect(first).toMatchObject({ ready: true });
      for (const runId of ['b', 'c', 'd'])
        await expect(open(runId)).rejects.toMatchObject({ ...SETUP_FAILED, message: TOLD });
      // The same process answered them all.
      expect(live.stats()[0]).toMatchObject({ ready: true, generation: first!.generation, pid: first!.pid });
      expectSetupLines(logged, 4);
      // Four refusals and no suspension: a set-up failure is no strike against the tenant.
      await expect(open('e')).rejects.toMatchObject(SETUP_FAILED);
    } finally {
      await live.stop();
    }
  }, 120_000);
});
