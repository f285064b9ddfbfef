import type { ManualClock } from '@tickline/kernel';
import { until } from '@tickline/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  LiveProcesses,
  type LiveSessionSpec,
  type OpenSession,
  type OpenSessionOptions,
  randomWalkFeed,
} from '@tickline/strategy/internal';
import type { AutoResumeOutcome } from './cpu-resume.ts';
import { CPU_RESUME_BACKOFF_MS } from './cpu-resume.ts';
import { type FeedCandle, LiveRunner } from './live-runner.ts';
import { candleEvents, crossing, settings, spec, SYMBOL, world } from './live-world.test-support.ts';

/** Candles that close after the test world's clock (a resume decides what closes after now). */
const AFTER_START = Date.UTC(2026, 0, 1);
/** The run's budget per candle: its heavy candles use several times it, its others a few µs. */
const BUDGET_MS = 20;

/**
 * Works ~80 ms of CPU (8e7 loop turns) on the candles closing at `heavy`, nothing on the others:
 * well over its budget, far under its step's one-second wall backstop.
 */
const heavyOn = (heavy: readonly number[]) => `const HEAVY = new Set(${JSON.stringify(heavy)});
export default defineStrategy({
  onCandle(ctx) { if (HEAVY.has(ctx.time)) { let x = 0; for (let i = 0; i < 8e7; i++) x += i; } },
});`;

const processes = new LiveProcesses({ processes: 1, memoryMb: 384, stallMs: 10_000 });
afterAll(() => processes.stop());

describe('live runs in sandbox processes - a run resumed after a CPU pause', () => {
  it('resumed by its back-off, one overrun pauses it again at once, and the next back-off is longer', async () => {
    const s = settings();
    const candles = candleEvents(randomWalkFeed(SYMBOL, '1m', 60_000, 10, 3, 100, AFTER_START));
    const close = (i: number) => (candles[i]!.data as FeedCandle).closeTime;
    // Three overruns in a row fill its window; after the resume, one overrun on its second candle
    // (its first has a first step's budget).
    const code = heavyOn([close(2), close(3), close(4), close(7)]);
    /** Each session opened, with what the runner told the sandbox. */
    const opened: OpenSessionOptions[] = [];
    const open: OpenSession = (r: LiveSessionSpec, capacity: number, options?: OpenSessionOptions) => {
      opened.push(options ?? {});
      return processes.open({
        runId: r.id,
        tenant: r.userId,
        code,
        feeds: r.feeds,
        settings: r.settings,
        params: r.params,
        capacity,
        limits: { cpuMsPerCandle: BUDGET_MS, setupCpuMs: 2_000, warmupCpuMs: 2_000 },
        tenantMemoryMb: 16,
        ...(options?.cpuProbation === true ? { cpuProbation: true } : {}),
      });
    };
    const w = world(s, crossing, undefined, undefined, open);
    const outcomes: AutoResumeOutcome[] = [];
    const runner = new LiveRunner({ ...w.options, onAutoResume: (_id, outcome) => outcomes.push(outcome) });
    w.setRunner(runner);
    const feed = async (from: number, to: number) => {
      for (let i = from; i < to; i++) await runner.handle([candles[i]!]);
    };
    await runner.enable(spec('r', s));

    await feed(0, 5);
    const first = runner.status('r')!;
    expect(first).toMatchObject({
      state: 'paused',
      pause: { code: 'STRATEGY_CPU_LIMIT', reason: expect.stringContaining(`its ${BUDGET_MS} ms of CPU`) },
    });
    expect(first.pause!.resumesAt).toBe(first.pause!.at + CPU_RESUME_BACKOFF_MS[0]!);

    // The back-off passes (the candle that closed meanwhile was its pause): it resumes by itself,
    // in a new session of the sandbox, and decides its next candle.
    await feed(5, 6);
    const clock = w.options.clock as ManualClock;
    clock.advance(close(5) + 1_000 - clock.now());
    w.timers.shift()!.fire();
    await until(() => outcomes.length > 0, { timeoutMs: 30_000, what: 'the automatic resume' });
    expect(outcomes).toEqual(['resumed']);
    await feed(6, 7);
    expect(runner.status('r')).toMatchObject({ state: 'running' });
    // The runner, which knows the run's history, puts the new session on probation.
    expect(opened.map((o) => o.cpuProbation === true)).toEqual([false, true]);

    // One overrun, not three: paused again at once, and the next wait is the longer one.
    await feed(7, 8);
    const second = runner.status('r')!;
    expect(second).toMatchObject({
      state: 'paused',
      pause: {
        code: 'STRATEGY_CPU_LIMIT',
        reason: expect.stringContaining('again right after it was resumed'),
      },
    });
    expect(second.pause!.resumesAt).toBe(second.pause!.at + CPU_RESUME_BACKOFF_MS[1]!);
    expect(w.timers.map((t) => t.ms)).toEqual([CPU_RESUME_BACKOFF_MS[1]]);
  }, 60_000);
});
