/**
 * A live enable whose strategy spins on every candle, warm-up included (`sandbox-attacks.e2e`'s
 * "a live busy loop with a long warm-up" row, at the live processes): a warm-up ran on the
 * server's thread once and froze it 11.6 s. It is refused with its code, nothing of it runs, and
 * the process it loaded in serves the next enable.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { LiveProcesses, randomWalkFeed } from '@tickline/strategy/internal';
import { type FeedCandle, LiveRunner } from './live-runner.ts';
import { candleEvents, crossing, settings, spec, world } from './live-world.test-support.ts';

const SOURCES: Record<string, string> = {
  spins: 'export default defineStrategy({ onCandle() { for (;;) {} } });',
  quiet: 'export default defineStrategy({ onCandle() {} });',
};
const LIMITS = { cpuMsPerCandle: 50, setupCpuMs: 2_000, warmupCpuMs: 2_000 };

const processes = new LiveProcesses({ processes: 1, stallMs: 10_000 });
afterAll(() => processes.stop());

describe('live attacks at the live processes', () => {
  it('a busy loop on every candle with a long warm-up: refused with its code at enable, and nothing runs', async () => {
    const s = settings();
    const history = candleEvents(randomWalkFeed('BTC-USDT', '1m', 60_000, 500, 4)).map(
      (e) => e.data as FeedCandle,
    );
    // The trusted definition is the world's default; every run here opens in the sandbox process.
    const w = world(s, crossing, undefined, undefined, (x, capacity) =>
      processes.open({
        runId: x.id,
        tenant: x.userId,
        code: SOURCES[x.strategyId]!,
        feeds: x.feeds,
        settings: x.settings,
        params: x.params,
        capacity,
        limits: LIMITS,
        tenantMemoryMb: 16,
      }),
    );
    const runner = new LiveRunner({ ...w.options, history: async () => history });
    w.setRunner(runner);
    await expect(
      runner.enable({ ...spec('spin', s), strategyId: 'spins', userId: 'attacker', warmupBars: 500 }),
    ).rejects.toMatchObject({ code: 'STRATEGY_CPU_LIMIT' });
    expect(runner.status('spin')).toBeUndefined();
    // The process it loaded in was not lost to it: the next account's enable warms up there.
    await runner.enable({ ...spec('next', s), strategyId: 'quiet', userId: 'neighbour', warmupBars: 500 });
    expect(runner.status('next')).toMatchObject({ state: 'running', errors: 0 });
    expect(processes.stats()[0]).toMatchObject({ generation: 1 });
  }, 120_000);
});
