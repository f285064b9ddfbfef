import { describe, expect, it } from 'vitest';
import type { EngineRunResult } from '../core/engine.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';
import type { BacktestExecutor } from './executor.ts';
import { blockStats, moments, pboFromBlocks, type BlockStats } from './overfitting.ts';
import { pboInSlices, pboOffThread } from './pbo-thread.ts';
import { runResearch } from './research-report.ts';

/** A thread module that never finishes loading. */
const NEVER_LOADS = new URL('../testing/never-loading-worker.ts', import.meta.url);

/** A seeded stream of returns, so every run sees the same trials. */
function returnsOf(seed: number, n: number): Float64Array {
  let a = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    a = (Math.imul(a, 1_664_525) + 1_013_904_223) >>> 0;
    return (a / 2 ** 32 - 0.5) / 100;
  });
}

const trialsOf = (count: number): BlockStats[] =>
  Array.from({ length: count }, (_, j) => blockStats(returnsOf(j + 1, 160), 16));

/** Answers every trial at once with its own return statistics, as a sandbox process would. */
function statsExecutor(): BacktestExecutor {
  let next = 0;
  return {
    concurrency: 4,
    run: () => {
      const r = returnsOf(++next, 160);
      const m = moments(r);
      return Promise.resolve({
        metrics: { sharpe: m.mean / m.std, totalReturn: 0, trades: 1, drawdown: { maxDrawdown: 0 } },
        equity: { time: new Float64Array(0), value: new Float64Array(0) },
        returnStats: { moments: m, blocks: blockStats(r, 16) },
      } as unknown as EngineRunResult);
    },
    close: () => Promise.resolve(),
  };
}

/** Counts turns of the event loop from `start()` until `stop()`, which returns the count. */
function loopTurns() {
  let turns = 0;
  let spinning = false;
  const spin = (): void => {
    if (!spinning) return;
    turns++;
    setImmediate(spin);
  };
  return {
    start(): void {
      if (spinning) return;
      spinning = true;
      setImmediate(spin);
    },
    stop(): number {
      spinning = false;
      return turns;
    },
  };
}

describe('overfitting - PBO off the server thread (issue 46 finding 7)', () => {
  it('answers what pboFromBlocks answers', async () => {
    const trials = trialsOf(20);
    expect(await pboOffThread(trials)).toEqual(pboFromBlocks(trials));
    expect(await pboOffThread(trials.slice(0, 1))).toBeNull();
  });

  it('keeps the calling thread turning while a 1,000-set search computes its PBO', { timeout: 120_000 }, async () => {
    // Given a 1,000-set search whose trials all came back: 12,870 splits × 1,000 trials to go
    const settings = resolveBacktestSettings({});
    const feed = {
      symbol: 'BTC-USDT',
      interval: '1m' as const,
      columns: { closeTime: new Float64Array(161), openTime: new Float64Array(161) },
    };
    const turns = loopTurns();
    // When the research runs with the server's defaults, counting event-loop turns from the
    // moment its last trial answered until the report is made
    const report = await runResearch(
      statsExecutor(),
      { code: '', feeds: [feed as never], settings },
      { kind: 'search', grid: { a: Array.from({ length: 1_000 }, (_, i) => i) }, objective: 'sharpe', priorTrials: 0 },
      (fraction) => {
        if (fraction >= 1) turns.start();
      },
    );
    const turned = turns.stop();
    // Then the PBO over every split was made, and the loop served other work meanwhile
    expect(report.overfitting.pbo).toMatchObject({ splits: 12_870, blocks: 16 });
    expect(turned).toBeGreaterThan(0);
  });

  it("a thread that never loads: the same PBO is computed on the caller's thread, in slices", async () => {
    // Given a thread that does not load its module within its start deadline
    const trials = trialsOf(30);
    const turns = loopTurns();
    turns.start();
    // When the PBO is asked of it
    const pbo = await pboOffThread(trials, 'sharpe', { entry: NEVER_LOADS, startMs: 300 });
    const turned = turns.stop();
    // Then the answer is pboFromBlocks', and the event loop turned while it was computed
    expect(pbo).toEqual(pboFromBlocks(trials));
    expect(turned).toBeGreaterThan(0);
  });

  it('slices stop at the signal between two slices', async () => {
    const abort = new AbortController();
    const reason = new Error('the wall budget');
    const computing = pboInSlices(trialsOf(30), 'sharpe', abort.signal);
    setImmediate(() => abort.abort(reason));
    await expect(computing).rejects.toBe(reason);
  });

  it("the job's signal stops the thread and ends the wait with its reason", async () => {
    const abort = new AbortController();
    const reason = new Error('cancelled by its owner');
    const waiting = pboOffThread(trialsOf(3), 'sharpe', { entry: NEVER_LOADS, signal: abort.signal });
    abort.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    // An ended signal starts no thread.
    await expect(pboOffThread(trialsOf(3), 'sharpe', { signal: abort.signal })).rejects.toBe(reason);
  });
});
