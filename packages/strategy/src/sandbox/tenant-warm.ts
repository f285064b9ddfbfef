/**
 * @module A live run's warm-up inside its tenant's isolate: stored candles shown with their orders
 * dropped, in groups of {@link WARM_SLICE}, under the per-candle CPU budget over each group and the
 * budget of the whole warm-up; and a run's equity before any candle. A module of its own because
 * these are the warm-up's limits, apart from the live steps' (tenant-step.ts).
 */
import ivm from 'isolated-vm';
import { TicklineError } from '@tickline/kernel';
import { threadCpuMicros } from '@tickline/sandbox';
import { type LiveReport, WARM_ROW } from './isolate-live.ts';
import type { TenantRun } from './live-tenant.ts';
import { clampWall, MAX_WALL_MS, onGrid, type OpenRunResult, starvedCut } from './live-wire.ts';
import { fromIsolate } from './sandbox.ts';

/** Warm-up candles per call into the isolate (the per-candle budget holds over each group). */
export const WARM_SLICE = 8;

/**
 * Warms `run` up on `rows` (WARM_ROW each); throws the coded error of a limit or of the strategy.
 * `cpuMicros`: the CPU clock of this thread, µs (tests script it).
 */
export function warmRun(
  run: TenantRun,
  rows: Float64Array,
  alive: () => void,
  cpuMicros: () => number = threadCpuMicros,
): OpenRunResult {
  const cpuStart = cpuMicros();
  const { limits } = run;
  const logs: OpenRunResult['logs'] = [];
  let equity = NaN;
  let warmMs = 0;
  const count = rows.length / WARM_ROW;
  for (let r = 0; r < count; r += WARM_SLICE) {
    const slice = rows.subarray(r * WARM_ROW, Math.min(count, r + WARM_SLICE) * WARM_ROW);
    const n = slice.length / WARM_ROW;
    const before = cpuMicros();
    const wallBefore = performance.now();
    let json: string;
    try {
      json = run.tenant.api.warm.applySync(
        undefined,
        [run.handle, new ivm.ExternalCopy(slice).copyInto({ release: true })],
        { timeout: onGrid(clampWall(limits.cpuMsPerCandle * n)) },
      ) as string;
    } catch (error) {
      // Cut by the wall backstop (live-wire.ts starvedCut): starved only under ONE candle's budget,
      // not the call's n: its candles are stepped back to back and none is reported before the
      // call ends, so past one candle's CPU an honest call cannot be told from a loop — and a loop
      // on a loaded machine (a fifth of a core) got under n candles' budget in the 5× wall.
      const spent = { usedMs: (cpuMicros() - before) / 1_000, wallMs: performance.now() - wallBefore };
      throw starvedCut(error, limits.cpuMsPerCandle, spent, 'warm-up') ?? error;
    }
    const answer = JSON.parse(json) as
      | { ok: true; equity: number; logs: OpenRunResult['logs'] }
      | { ok: false; error: LiveReport & { ok: false } };
    const usedMs = (cpuMicros() - before) / 1_000;
    warmMs += usedMs;
    if (!answer.ok)
      throw fromIsolate((answer as unknown as { error: { code: string; message: string } }).error);
    equity = answer.equity;
    for (const l of answer.logs) if (logs.length < 200) logs.push(l);
    if (usedMs > limits.cpuMsPerCandle * n)
      throw new TicklineError(
        'STRATEGY_CPU_LIMIT',
        `warm-up used ${(usedMs / n).toFixed(1)} ms of CPU per candle (limit ${limits.cpuMsPerCandle} ms per candle)`,
        { details: { cpuMs: limits.cpuMsPerCandle, usedMs: usedMs / n } },
      );
    if (warmMs > limits.warmupCpuMs)
      throw new TicklineError(
        'STRATEGY_CPU_LIMIT',
        `warm-up used ${warmMs.toFixed(0)} ms of CPU (limit ${limits.warmupCpuMs} ms for the whole warm-up)`,
        { details: { cpuMs: limits.warmupCpuMs, usedMs: warmMs } },
      );
    alive();
  }
  if (Number.isNaN(equity)) equity = runEquity(run);
  return { equity, cpuMs: (cpuMicros() - cpuStart) / 1_000, logs };
}

/** The run's equity with no candle seen: a warm-up of nothing. */
export function runEquity(run: TenantRun): number {
  const answer = JSON.parse(
    run.tenant.api.warm.applySync(
      undefined,
      [run.handle, new ivm.ExternalCopy(new Float64Array(0)).copyInto({ release: true })],
      {
        timeout: MAX_WALL_MS,
      },
    ) as string,
  ) as { ok: boolean; equity: number };
  return answer.ok ? answer.equity : 0;
}
