import { describe, expect, it } from 'vitest';
import type { LiveIsolateError } from './isolate-live.ts';
import { STARVED_CUTS_BEFORE_PAUSE, StarvedCuts } from './starved-cuts.ts';
import { scaledWall } from './live-wire.ts';

const starved = (): LiveIsolateError => ({
  code: 'SANDBOX_PROCESS_LOST',
  message: 'the step was cut …',
  details: { backstop: 'starved', wallMs: 1_250, usedMs: 3.2, budgetMs: 50 },
});
const thrown: LiveIsolateError = { code: 'STRATEGY_RUNTIME_ERROR', message: 'boom' };

describe('starved cuts - a run cut while the machine starved it gets longer backstops, then pauses', () => {
  it('each starved cut in a row reopens the run with twice the backstop; the fourth pauses it as a runaway', () => {
    const cuts = new StarvedCuts();
    expect(cuts.wallScale('r')).toBe(1);
    // An honest step cut twice beside a busy machine is reopened, not paused (it was, at two).
    for (let i = 1; i < STARVED_CUTS_BEFORE_PAUSE; i++) {
      expect(cuts.judge('r', starved())).toEqual(starved());
      expect(cuts.wallScale('r')).toBe(2 ** i);
    }
    expect(cuts.judge('r', starved())).toEqual({
      code: 'STRATEGY_CPU_LIMIT',
      message: expect.stringMatching(
        /^onCandle did not return, 4 times in a row: last cut after 1250 ms of wall time with 3\.2 ms of CPU \(limit 50 ms per candle\)/,
      ),
      details: expect.objectContaining({ backstop: 'runaway', again: true, cuts: 4, cpuMs: 50 }),
    });
    // Judged: its record is spent, and a reopened run starts from the usual backstop.
    expect(cuts.wallScale('r')).toBe(1);
    expect(cuts.judge('r', starved()).code).toBe('SANDBOX_PROCESS_LOST');
  });

  it('a step answered in between, or another failure, clears the record; runs are apart', () => {
    const cuts = new StarvedCuts();
    cuts.judge('r', starved());
    cuts.judge('r', starved());
    cuts.answered('r');
    expect(cuts.wallScale('r')).toBe(1);
    expect(cuts.judge('r', starved()).code).toBe('SANDBOX_PROCESS_LOST');
    expect(cuts.judge('r', thrown)).toBe(thrown);
    expect(cuts.wallScale('r')).toBe(1);
    expect(cuts.judge('other', starved()).code).toBe('SANDBOX_PROCESS_LOST');
    expect(cuts.wallScale('other')).toBe(2);
  });

  it('a scaled backstop is the usual one times the scale, under the process stall check', () => {
    expect(scaledWall(400, 1)).toBe(2_000);
    expect(scaledWall(400, 2)).toBe(4_000);
    expect(scaledWall(50, 4)).toBe(4_000);
    expect(scaledWall(400, 16)).toBe(20_000);
  });
});
