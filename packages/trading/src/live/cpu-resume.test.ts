import { type ManualClock, TicklineError } from '@tickline/kernel';
import {
  hostSessions,
  type LiveSession,
  type OpenSession,
  randomWalkFeed,
  type StrategyDefinition,
} from '@tickline/strategy/internal';
import { until } from '@tickline/testing';
import { describe, expect, it } from 'vitest';
import type { AutoResumeOutcome } from './cpu-resume.ts';
import { CPU_RESUME_BACKOFF_MS } from './cpu-resume.ts';
import { type FeedCandle, LiveRunner } from './live-runner.ts';
import { candleEvents, P, settings, spec, SYMBOL, world } from './live-world.test-support.ts';

/** Candles that close after the test world's clock (a resume decides what closes after now). */
const AFTER_START = Date.UTC(2026, 0, 1);

const quiet: StrategyDefinition = { onCandle() {} };

/** What the sandbox answers when a run's strikes fill its window (cpu-strikes.ts). */
const cpuPause = () =>
  new TicklineError(
    'STRATEGY_CPU_LIMIT',
    'onCandle used more than its 50 ms of CPU per candle on 3 of its last 10 candles (61.0, 70.0, 64.2 ms). Do less work per candle',
  );

/** Host sessions whose step on the candles in `overruns` (close times) is refused for CPU. */
function overrunning(overruns: Set<number>): OpenSession {
  const open = hostSessions(async () => quiet);
  return async (s, capacity) => {
    const session = await open(s, capacity);
    const advance: LiveSession['advance'] = (f, candle) =>
      overruns.has(candle.closeTime) ? Promise.reject(cpuPause()) : session.advance(f, candle);
    return Object.assign(Object.create(session) as LiveSession, { advance });
  };
}

describe('live runs - a run paused for CPU resumes by itself', () => {
  it('resumes after a back-off that grows while it keeps overrunning, and is logged and announced with when', async () => {
    const s = settings();
    const candles = candleEvents(randomWalkFeed(SYMBOL, '1m', 60_000, 12, 3, 100, AFTER_START));
    const close = (i: number) => (candles[i]!.data as FeedCandle).closeTime;
    const overruns = new Set([close(2), close(5), close(6)]);
    const w = world(s, quiet, undefined, undefined, overrunning(overruns));
    const logged: Array<{ code: string; reason: string; resumesAt?: number }> = [];
    const outcomes: AutoResumeOutcome[] = [];
    const runner = new LiveRunner({
      ...w.options,
      onPause: (_spec, pause) => logged.push(pause),
      onAutoResume: (_id, outcome) => outcomes.push(outcome),
    });
    w.setRunner(runner);
    await runner.enable(spec('r', s));
    const feed = async (from: number, to: number) => {
      for (let i = from; i < to; i++) await runner.handle([candles[i]!]);
    };

    await feed(0, 3);
    const first = runner.status('r')!;
    expect(first).toMatchObject({ state: 'paused', pause: { code: 'STRATEGY_CPU_LIMIT' } });
    expect(first.pause!.resumesAt).toBe(first.pause!.at + CPU_RESUME_BACKOFF_MS[0]!);
    expect(w.timers.map((t) => t.ms)).toEqual([CPU_RESUME_BACKOFF_MS[0]]);
    const announced = w.published.filter((e) => e.type === 'strategy.live.paused').map((e) => e.data);
    expect(announced).toEqual([
      expect.objectContaining({
        code: 'STRATEGY_CPU_LIMIT',
        resumesAt: first.pause!.resumesAt,
        portfolioId: P,
      }),
    ]);
    expect(logged).toEqual([
      expect.objectContaining({ code: 'STRATEGY_CPU_LIMIT', reason: cpuPause().message }),
    ]);

    // The back-off passes: it resumes by itself and decides the next candles.
    await feed(3, 4);
    // The back-off passes (the candles that closed meanwhile were its pause, never decided).
    const clock = w.options.clock as ManualClock;
    clock.advance(close(3) + 1_000 - clock.now());
    w.timers.shift()!.fire();
    await until(() => outcomes.length > 0);
    expect(outcomes).toEqual(['resumed']);
    expect(runner.status('r')!.state).toBe('running');
    await feed(4, 5);
    expect(runner.status('r')!.state).toBe('running');

    // It overruns again soon after: paused again, and the next wait is longer.
    await feed(5, 6);
    expect(runner.status('r')!.state).toBe('paused');
    expect(w.timers.map((t) => t.ms)).toEqual([CPU_RESUME_BACKOFF_MS[1]]);

    // Its owner pauses it meanwhile: it no longer resumes by itself.
    runner.pause('r', 'user', 'paused by the owner');
    expect(w.timers).toEqual([]);
    expect(runner.status('r')!.pause).toMatchObject({ code: 'STRATEGY_CPU_LIMIT' });
  });

  it('stays paused under an engaged kill switch', async () => {
    const s = settings();
    const candles = candleEvents(randomWalkFeed(SYMBOL, '1m', 60_000, 4, 4, 100, AFTER_START));
    const overruns = new Set([(candles[1]!.data as FeedCandle).closeTime]);
    const w = world(s, quiet, undefined, undefined, overrunning(overruns));
    const outcomes: AutoResumeOutcome[] = [];
    const runner = new LiveRunner({ ...w.options, onAutoResume: (_id, outcome) => outcomes.push(outcome) });
    w.setRunner(runner);
    await runner.enable(spec('r', s));
    for (const c of candles.slice(0, 2)) await runner.handle([c]);
    expect(runner.status('r')!.state).toBe('paused');
    await runner.killSwitch(P, 'user', { by: 'u1', at: 0, reason: 'enough' });
    w.timers.shift()!.fire();
    await until(() => outcomes.length > 0);
    expect(outcomes).toEqual(['kept paused']);
    expect(runner.status('r')).toMatchObject({ state: 'paused', pause: { code: 'STRATEGY_CPU_LIMIT' } });
  });
});
