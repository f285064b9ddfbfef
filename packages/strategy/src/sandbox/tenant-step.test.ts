import ivm from 'isolated-vm';
import type { TicklineError } from '@tickline/kernel';
import { threadCpuMicros } from '@tickline/sandbox';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';
import { CPU_STRIKES_TO_PAUSE, CPU_WINDOW_STEPS } from './cpu-strikes.ts';
import { WARM_ROW } from './isolate-live.ts';
import type { LiveReport } from './isolate-live.ts';
import { LiveTenants } from './live-tenants.ts';
import type { OpenRunPayload, StepPayload } from './live-wire.ts';
import { stepMessage } from './step-rows.test-support.ts';

/**
 * isolated-vm's `cpuTime` as its published Linux builds read it: a steady clock while the thread
 * holds the isolate. A thread descheduled for `heldMs` inside each call (what a loaded machine
 * does to a process at nice 5) reads `heldMs` more per call than the CPU it used. Set per test.
 */
const held = vi.hoisted(() => ({ ms: 0 }));
vi.mock('isolated-vm', async (importOriginal) => {
  const original = (await importOriginal<{ default: typeof ivm }>()).default;
  const cpuTime = Object.getOwnPropertyDescriptor(original.Isolate.prototype, 'cpuTime')!.get!;
  class HeldIsolate extends original.Isolate {}
  const reads = new WeakMap<object, bigint>();
  Object.defineProperty(HeldIsolate.prototype, 'cpuTime', {
    get(this: ivm.Isolate): bigint {
      const n = reads.get(this) ?? 0n;
      reads.set(this, n + 1n);
      return (cpuTime.call(this) as bigint) + BigInt(held.ms * 1_000_000) * n;
    },
  });
  // The module's members are not enumerable: the rest of it is reached through the prototype.
  return {
    default: Object.create(original, { Isolate: { value: HeldIsolate, enumerable: true } }) as typeof ivm,
  };
});

afterEach(() => {
  held.ms = 0;
});

const NOTHING = 'export default defineStrategy({ onCandle() {} });';
/** An honest template: two moving averages, a buy on the cross. */
const TREND = `export default defineStrategy({
  init: (ctx) => ({ fast: new ctx.ta.SmaStream(2), slow: new ctx.ta.SmaStream(3), prev: 0 }),
  onCandle(ctx) {
    const s = ctx.state;
    const d = s.fast.update(ctx.close.at(0)) - s.slow.update(ctx.close.at(0));
    if (s.prev <= 0 && d > 0) ctx.buy({ qty: 0.01, reason: 'cross' });
    s.prev = d;
  },
});`;
const LOOPS = 'export default defineStrategy({ onCandle(ctx) { if (ctx.feed.index >= 2) for (;;) {} } });';

const LIMITS = { cpuMsPerCandle: 50, setupCpuMs: 2_000, warmupCpuMs: 2_000 };
/**
 * For loops judged on the thread's real clock: the wall backstop is still a second, and a thread
 * given under 5 % of a core (load 20 on 2 cores) would read under 50 ms there and be judged
 * starved, as it should. 5 ms in that second is well within what any loaded machine gives.
 */
const RUNAWAY_LIMITS = { ...LIMITS, cpuMsPerCandle: 5 };

function payload(runId: string, tenant: string, code: string, limits = LIMITS): OpenRunPayload {
  return {
    runId,
    tenant,
    tenantMemoryMb: 32,
    code,
    feeds: [{ symbol: 'BTC-USDT', interval: '1m' }],
    settings: resolveBacktestSettings({}),
    params: {},
    capacity: 64,
    limits,
  };
}

/** A step message for `handles` on candle `k` of a gentle walk. */
function message(handles: readonly number[], k: number): StepPayload {
  const close = 100 + 5 * Math.sin(k / 3);
  const candle = {
    openTime: k * 60_000,
    closeTime: (k + 1) * 60_000,
    open: close,
    high: close + 1,
    low: close - 1,
    close,
    volume: 10,
  };
  return stepMessage(handles, candle);
}

/** Failed entries of a step: their codes and messages. */
const failures = (reports: Array<[number, LiveReport]>) =>
  reports.flatMap(([i, r]) => (r.ok ? [] : [{ i, ...r.error }]));

/**
 * A CPU clock the test sets per step: each read moves it by `stepUs`, so a call (read before and
 * after) measures `stepUs`.
 */
function scriptedCpu() {
  let now = 0;
  const clock = { stepUs: 100, read: () => (now += clock.stepUs) };
  return clock;
}

describe('live tenants - CPU judged by the thread that ran the step', () => {
  const tenants: LiveTenants[] = [];
  const make = (cpuMicros?: () => number) => {
    const t = new LiveTenants(cpuMicros === undefined ? {} : { cpuMicros });
    tenants.push(t);
    return t;
  };
  afterEach(() => {
    for (const t of tenants.splice(0)) for (const id of ['a', 'b', 'loops']) t.close(id);
  });

  it("isolated-vm's cpuTime counts time its thread did not run; the thread's CPU clock does not", () => {
    const isolate = new ivm.Isolate({ memoryLimit: 16 });
    try {
      const context = isolate.createContextSync();
      const wait = context.evalSync(
        '(ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)',
        {
          reference: true,
        },
      );
      const cpuTime = Object.getOwnPropertyDescriptor(
        Object.getPrototypeOf(Object.getPrototypeOf(isolate)),
        'cpuTime',
      )!.get!;
      const isolateBefore = cpuTime.call(isolate) as bigint;
      const threadBefore = threadCpuMicros();
      wait.applySync(undefined, [300]);
      const threadMs = (threadCpuMicros() - threadBefore) / 1_000;
      const isolateMs = Number((cpuTime.call(isolate) as bigint) - isolateBefore) / 1e6;
      // 300 ms asleep: the isolate's clock reads them all, the thread's none of them.
      expect(isolateMs).toBeGreaterThanOrEqual(290);
      expect(threadMs).toBeLessThan(LIMITS.cpuMsPerCandle);
    } finally {
      isolate.dispose();
    }
  });

  it('an honest run held off its core inside every step is neither charged for it nor stopped', async () => {
    const live = make();
    const { handle } = await live.open(payload('a', 'owner-a', TREND));
    // Each call holds the isolate 120 ms longer than it runs, over a 50 ms budget.
    held.ms = 120;
    for (let k = 0; k < 3 * CPU_WINDOW_STEPS; k++) {
      const part = live.step(message([handle], k), () => {});
      expect(failures(part.reports)).toEqual([]);
      expect(part.cpuMs[0]).toBeLessThan(LIMITS.cpuMsPerCandle);
    }
    expect(live.runCount).toBe(1);
  });

  it('a single overrun is a strike: the run goes on', async () => {
    const cpu = scriptedCpu();
    const live = make(cpu.read);
    const { handle } = await live.open(payload('a', 'owner-a', TREND));
    for (let k = 0; k < 4 * CPU_WINDOW_STEPS; k++) {
      // One candle in each window costs 80 ms, and one more right after a window's worth.
      cpu.stepUs = k % CPU_WINDOW_STEPS === 5 || k === 16 ? 80_000 : 300;
      const part = live.step(message([handle], k), () => {});
      expect(failures(part.reports)).toEqual([]);
    }
    expect(live.runCount).toBe(1);
  });

  it('over budget across its window the run pauses, with the figures and what to change; once resumed, one overrun pauses it again', async () => {
    const cpu = scriptedCpu();
    const live = make(cpu.read);
    let { handle } = await live.open(payload('a', 'owner-a', TREND));
    const over = [2, 5, 8];
    let stoppedAt = -1;
    for (let k = 0; k < CPU_WINDOW_STEPS && stoppedAt < 0; k++) {
      cpu.stepUs = over.includes(k) ? 61_000 + k * 1_000 : 300;
      const failed = failures(live.step(message([handle], k), () => {}).reports);
      if (failed.length === 0) continue;
      stoppedAt = k;
      expect(failed).toEqual([
        {
          i: 0,
          code: 'STRATEGY_CPU_LIMIT',
          message: expect.stringMatching(
            new RegExp(
              `more than its 50 ms of CPU per candle on ${CPU_STRIKES_TO_PAUSE} of its last ${CPU_WINDOW_STEPS} candles \\(63\\.0, 66\\.0, 69\\.0 ms\\)\\. Do less work per candle`,
            ),
          ),
          // The figures go to the server with the report (it logs them).
          details: { cpuMs: 50, usedMs: 69, strikes: [63, 66, 69] },
        },
      ]);
    }
    expect(stoppedAt).toBe(over[CPU_STRIKES_TO_PAUSE - 1]);
    expect(live.runCount).toBe(0);

    // Resumed: a new session (a new key, as LiveProcesses gives it), opened on probation by the
    // runner, which knows the pause: a single overrun pauses it again.
    ({ handle } = await live.open({ ...payload('a\u00002', 'owner-a', TREND), cpuProbation: true }));
    cpu.stepUs = 300;
    expect(failures(live.step(message([handle], 20), () => {}).reports)).toEqual([]);
    cpu.stepUs = 70_000;
    expect(failures(live.step(message([handle], 21), () => {}).reports)).toEqual([
      {
        i: 0,
        code: 'STRATEGY_CPU_LIMIT',
        message: expect.stringContaining('again right after it was resumed (70.0 ms)'),
        details: expect.objectContaining({ usedMs: 70 }),
      },
    ]);
  });

  it('runs stepped in one call over their budgets together: nobody is charged, each is measured alone next', async () => {
    const cpu = scriptedCpu();
    const live = make(cpu.read);
    const a = await live.open(payload('a', 'owner', NOTHING));
    const b = await live.open(payload('b', 'owner', NOTHING));
    const handles = [a.handle, b.handle];
    cpu.stepUs = 300;
    live.step(message(handles, 0), () => {});
    // 150 ms for the call of both, over their 100 ms together: whose it was is not known.
    cpu.stepUs = 150_000;
    const part = live.step(message(handles, 1), () => {});
    expect(failures(part.reports)).toEqual([]);
    expect(part.cpuMs[0]! + part.cpuMs[1]!).toBeCloseTo(150, 5);
    // Measured one call each from now on: each read is its own call.
    cpu.stepUs = 300;
    const apart = live.step(message(handles, 2), () => {});
    expect([...apart.cpuMs]).toEqual([0.3, 0.3]);
    expect(live.runCount).toBe(2);
  });

  it('a loop that never returns is stopped by its first such step, with its CPU and budget', async () => {
    const live = make();
    const { handle } = await live.open(payload('loops', 'owner-l', LOOPS, RUNAWAY_LIMITS));
    for (let k = 0; k < 2; k++)
      expect(failures(live.step(message([handle], k), () => {}).reports)).toEqual([]);
    // The wall backstop of a 5 ms budget is one second: the loop is stopped there, at once.
    expect(failures(live.step(message([handle], 2), () => {}).reports)).toEqual([
      {
        i: 0,
        code: 'STRATEGY_CPU_LIMIT',
        message: expect.stringMatching(
          /^onCandle did not return: stopped after \d+ ms of CPU \(limit 5 ms per candle\)/,
        ),
        details: expect.objectContaining({ backstop: 'runaway', cpuMs: 5 }),
      },
    ]);
    expect(live.runCount).toBe(0);
  }, 30_000);

  it('a call the wall backstop cut while its thread got less CPU than the budget was starved, not run away: no pause, the run is handed back to reopen', async () => {
    // Each call reads 0.1 ms of CPU: the thread hardly ran while the wall backstop's second passed
    // (what a stopped or starved process looks like from inside).
    const live = make(scriptedCpu().read);
    const { handle } = await live.open(payload('loops', 'owner-l', LOOPS));
    for (let k = 0; k < 2; k++)
      expect(failures(live.step(message([handle], k), () => {}).reports)).toEqual([]);
    const part = live.step(message([handle], 2), () => {});
    expect(failures(part.reports)).toEqual([
      {
        i: 0,
        code: 'SANDBOX_PROCESS_LOST',
        message: expect.stringMatching(
          /^the step was cut after \d+ ms of wall time with only 0\.1 ms of CPU \(limit 50 ms\)/,
        ),
        details: { backstop: 'starved', wallMs: expect.any(Number), usedMs: 0.1, budgetMs: 50 },
      },
    ]);
    // Its engine stopped mid-step: closed here, to be reopened from its last decided candle.
    expect(live.runCount).toBe(0);
  }, 30_000);

  it('a warm-up call the wall backstop cut: refused as the machine’s doing when its thread got less CPU than the budget, as the strategy’s when not', async () => {
    // Four stored candles, one warm-up call (a 1 s wall): the loop starts on the third.
    const stored = new Float64Array(4 * WARM_ROW);
    for (let k = 0; k < 4; k++) stored.set([0, ...message([0], k).candles], k * WARM_ROW);
    const refusal = async (cpuMicros?: () => number, limits = LIMITS) => {
      const live = make(cpuMicros);
      await live.open(payload('loops', 'owner-l', LOOPS, limits));
      try {
        live.warm('loops', stored, () => {});
      } catch (error) {
        expect(live.runCount).toBe(0);
        return error as TicklineError;
      }
      throw new Error('the warm-up was not refused');
    };
    expect(await refusal(scriptedCpu().read)).toMatchObject({
      code: 'SANDBOX_PROCESS_LOST',
      message: expect.stringMatching(
        /^the warm-up was cut after \d+ ms of wall time with only 0\.1 ms of CPU/,
      ),
      details: { backstop: 'starved', usedMs: 0.1, budgetMs: 50 },
    });
    // The thread's own clock: the loop had the CPU, so it ran away.
    expect(await refusal(undefined, RUNAWAY_LIMITS)).toMatchObject({ code: 'STRATEGY_CPU_LIMIT' });
  }, 30_000);
});
