import type { Logger } from '@tickline/kernel';
import { until } from '@tickline/testing';
import { describe, expect, it } from 'vitest';
import { LiveProcesses, type OpenSession, randomWalkFeed, threadCpuMs } from '@tickline/strategy/internal';
import { type FeedCandle, LiveRunner } from './live-runner.ts';
import {
  candleEvents,
  crossing,
  settings,
  spec,
  storedSoFar,
  SYMBOL,
  world,
} from './live-world.test-support.ts';

/**
 * Buys on every candle it decides; on its fourth live candle it first works ~100–150 ms of CPU
 * (1.5e8 loop turns in a live isolate's baseline code), well within its 400 ms budget: an honest
 * run with a heavy candle, whose step is long enough to be caught running. (At 3e8 turns, ~300 ms
 * quiet, the step's CPU passed the budget beside stress-ng — shared cores slow a loop's CPU time —
 * and the run was rightly paused.)
 */
const HEAVY_FOURTH = `export default defineStrategy({
  onCandle(ctx) {
    if (ctx.feed.index === 3) { let x = 0; for (let i = 0; i < 1.5e8; i++) x += i; }
    ctx.buy({ qty: 0.01, reason: 'candle ' + ctx.feed.index });
  },
});`;
const COUNTS = `export default defineStrategy({
  init: () => ({ n: 0 }),
  onCandle(ctx) { ctx.state.n++; ctx.buy({ qty: 0.01, reason: 'seen ' + ctx.state.n }); },
});`;
/** The heavy run's budget: its wall backstop is 5× it, 2 s (ending on a 250 ms grid). */
const HEAVY_BUDGET_MS = 400;
/** Longer than the heavy run's whole backstop: the process is stopped past it. */
const STOPPED_MS = 3_000;
/**
 * Longer than the heavy run's usual backstop (2 s), shorter than the doubled one its reopened step
 * gets (4 s): stopped again this long, a reopened step paused as cut "twice in a row" before.
 */
const STOPPED_AGAIN_MS = 2_200;

/** Stops process `pid` (SIGSTOP) for `ms` once its thread used `cpuMs` more CPU, then continues it. */
async function stopOnceBusy(pid: number, cpuMs: number, ms: number): Promise<void> {
  const before = (await threadCpuMs(pid))!;
  await until(async () => ((await threadCpuMs(pid)) ?? 0) >= before + cpuMs, {
    timeoutMs: 60_000,
    what: 'the heavy step under way',
    intervalMs: 1,
  });
  process.kill(pid, 'SIGSTOP');
  await new Promise((resolve) => setTimeout(resolve, ms));
  process.kill(pid, 'SIGCONT');
}

describe('live step - the wall backstop judges the run’s CPU, not the machine’s', () => {
  it('a process stopped (SIGSTOP) mid-step past its wall backstop, and again in the reopened step: the run is not paused, reopens with a longer backstop and goes on deciding', async () => {
    // A stall check far beyond the stop: only the backstop inside the process acts on it.
    const warned: Array<[Record<string, unknown>, string]> = [];
    const quiet = () => {};
    const logger = {
      debug: quiet,
      info: quiet,
      error: quiet,
      fatal: quiet,
      warn: (fields: Record<string, unknown>, message: string) => warned.push([fields, message]),
      child: () => logger,
    } as unknown as Logger;
    const pool = new LiveProcesses({ processes: 1, stallMs: 60_000, logger });
    try {
      const s = settings();
      const feed = candleEvents(randomWalkFeed(SYMBOL, '1m', 60_000, 8, 5));
      const stored = storedSoFar(feed);
      const open: OpenSession = (x, capacity) =>
        pool.open({
          runId: x.id,
          tenant: x.userId,
          code: x.strategyId === 'heavy' ? HEAVY_FOURTH : COUNTS,
          feeds: x.feeds,
          settings: x.settings,
          params: x.params,
          capacity,
          limits: {
            cpuMsPerCandle: x.strategyId === 'heavy' ? HEAVY_BUDGET_MS : 50,
            setupCpuMs: 2_000,
            warmupCpuMs: 2_000,
          },
          tenantMemoryMb: 16,
        });
      const w = world(s, crossing, undefined, undefined, open);
      const reopened: string[] = [];
      const runner = new LiveRunner({
        ...w.options,
        history: stored.history,
        onReopen: (id, outcome) => {
          if (outcome.error === undefined) reopened.push(id);
        },
      });
      w.setRunner(runner);
      await runner.enable({ ...spec('heavy', s), userId: 'owner-heavy' });
      await runner.enable({ ...spec('neighbour', s), strategyId: 'counts', userId: 'owner-n' });
      const pid = pool.stats()[0]!.pid!;
      for (const [i, e] of feed.entries()) {
        stored.upTo(e);
        w.track(e.data as { symbol: string; close: number });
        if (i !== 3) {
          await runner.handle([e]);
          continue;
        }
        // The fourth candle: stop the process once its stepping thread is inside the heavy step.
        const handled = runner.handle([e]);
        await stopOnceBusy(pid, 20, STOPPED_MS);
        await handled;
        // The reopened run decides the cut candle again: stopped again past the usual backstop,
        // but within the doubled one a run reopened after a starved cut gets (starved-cuts.ts).
        await stopOnceBusy(pid, 60, STOPPED_AGAIN_MS);
        await until(
          () =>
            (reopened.includes('heavy') && !runner.enabling('heavy')) ||
            runner.status('heavy')?.state !== 'running',
          { timeoutMs: 120_000, what: 'the cut run reopened (or paused)' },
        );
        // Cut by its backstop with its CPU under budget: the machine's doing, not a runaway.
        expect(runner.status('heavy')!.pause).toBeUndefined();
      }
      await until(() => runner.status('heavy')?.candles === 8 && runner.status('neighbour')?.candles === 8, {
        timeoutMs: 120_000,
        what: 'both runs decided every candle',
      });
      // Cut by its backstop with its CPU under budget: reopened, never paused. The reopened step's
      // backstop is doubled (starved-cuts.ts), so the second stop (2.2 s) is within it: one reopen.
      // Beside a full suite and stress-ng (load 13) the slowed step and that stop passed even the
      // doubled backstop once: a second reopen, past a longer backstop than the first, no pause.
      const cuts = warned.filter(([, message]) => message.includes('wall backstop'));
      expect(reopened.length).toBeGreaterThanOrEqual(1);
      expect(reopened).toEqual(cuts.map(() => 'heavy'));
      // The usual backstop is 5× the budget (2 s): a later cut ran past twice that.
      for (const [fields] of cuts.slice(1))
        expect(fields.wallMs).toBeGreaterThanOrEqual(2 * 5 * HEAVY_BUDGET_MS);
      expect(runner.status('heavy')).toMatchObject({ state: 'running', errors: 0 });
      expect(runner.status('heavy')!.pause).toBeUndefined();
      // Every candle decided once, in order, the cut one by the reopened run.
      const decided = w.published
        .filter(
          (e) => e.type === 'strategy.signal' && (e.data as { userId: string }).userId === 'owner-heavy',
        )
        .map((e) => (e.data as { candleCloseTime: number }).candleCloseTime);
      expect(decided).toEqual(feed.map((e) => (e.data as FeedCandle).closeTime));
      expect(runner.status('neighbour')).toMatchObject({ state: 'running', errors: 0 });
      // Said at warn, with the figures: past its wall backstop, under its budget of CPU.
      for (const [, message] of cuts) expect(message).toMatch(/machine busy/);
      const [cut] = cuts;
      expect(cut?.[0]).toMatchObject({ run: 'heavy', tenant: 'owner-heavy', budgetMs: HEAVY_BUDGET_MS });
      expect(cut![0].wallMs).toBeGreaterThanOrEqual(2 * HEAVY_BUDGET_MS);
      expect(cut![0].cpuMs).toBeLessThan(HEAVY_BUDGET_MS);
      expect(cut![1]).toMatch(/machine busy/);
      // Not by killing the process: the stall check never fired.
      expect(pool.stats()[0]).toMatchObject({ generation: 1 });
    } finally {
      await pool.stop();
    }
  }, 300_000);
});
