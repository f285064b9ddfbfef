import { describe, expect, it } from 'vitest';
import type { LiveIsolateError } from './isolate-live.ts';
import { StarvedCuts } from './starved-cuts.ts';

const starved = (): LiveIsolateError => ({
  code: 'SANDBOX_PROCESS_LOST',
  message: 'the step was cut …',
  details: { backstop: 'starved', wallMs: 1_250, usedMs: 3.2, budgetMs: 50 },
});
const thrown: LiveIsolateError = { code: 'STRATEGY_RUNTIME_ERROR', message: 'boom' };

describe('starved cuts - the second in a row is a runaway', () => {
  it('a starved cut reopens the run; cut again before any step was answered, it pauses as a runaway', () => {
    const cuts = new StarvedCuts();
    expect(cuts.judge('r', starved())).toEqual(starved());
    expect(cuts.judge('r', starved())).toEqual({
      code: 'STRATEGY_CPU_LIMIT',
      message: expect.stringMatching(
        /^onCandle did not return, twice in a row: cut after 1250 ms of wall time with 3\.2 ms of CPU \(limit 50 ms per candle\)/,
      ),
      details: expect.objectContaining({ backstop: 'runaway', again: true, cpuMs: 50 }),
    });
    // Judged: its record is spent.
    expect(cuts.judge('r', starved()).code).toBe('SANDBOX_PROCESS_LOST');
  });

  it('a step answered in between, or another failure, clears the record; runs are apart', () => {
    const cuts = new StarvedCuts();
    cuts.judge('r', starved());
    cuts.answered('r');
    expect(cuts.judge('r', starved()).code).toBe('SANDBOX_PROCESS_LOST');
    expect(cuts.judge('r', thrown)).toBe(thrown);
    expect(cuts.judge('r', starved()).code).toBe('SANDBOX_PROCESS_LOST');
    expect(cuts.judge('other', starved()).code).toBe('SANDBOX_PROCESS_LOST');
  });
});
