/**
 * @module Bytes a live step allocates (issue 45: is the step in a cold isolate memory-bound?).
 * Steps FLOOR_RUNS runs' engines on this thread through the same code a tenant's isolate runs
 * (`createLiveApi`'s `stepMany` over a shared rows buffer, or `LiveEngine.advanceBar` alone with
 * FLOOR_ALLOC_WAY=engine), and reads the heap's used bytes around FLOOR_WAVES waves after a forced
 * collection, with a young generation big enough that none runs between (checked). Run it with a
 * live process's V8 flags to see the baseline code's boxing, as the isolates run it:
 * `node --no-node-snapshot --expose-gc --max-opt=2 --invocation-count-for-maglev=1000000
 * --min-semi-space-size=64 --max-semi-space-size=64 bench/live/floor-alloc.ts`.
 * FLOOR_SOURCE=<file> steps that strategy (default: the SMA template). Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import {
  compileStrategy,
  createLiveApi,
  evaluateTrustedStrategy,
  LiveEngine,
  randomWalkFeed,
  resolveBacktestSettings,
  SMA_CROSS_SOURCE,
} from '@tickline/strategy/internal';
import { envInt, round } from '../lib/report.ts';

const runs = envInt('FLOOR_RUNS', 100);
const waves = envInt('FLOOR_WAVES', 200);
const warm = envInt('FLOOR_WARMUP_WAVES', 100);
const way = process.env.FLOOR_ALLOC_WAY ?? 'stepMany';
const sourceFile = process.env.FLOOR_SOURCE;
const source = sourceFile === undefined ? SMA_CROSS_SOURCE : readFileSync(sourceFile, 'utf8');
const definition = evaluateTrustedStrategy((await compileStrategy(source)).js);
const settings = resolveBacktestSettings({ startingCapital: 10_000, makerFee: 0.001, takerFee: 0.001 });
const STEP_ROW = 9;
const symbols = 20;
const feeds = Array.from({ length: symbols }, (_, i) =>
  randomWalkFeed(`S${i}-USDT`, '1m', 60_000, warm + waves, i + 1),
);
const api = createLiveApi({
  enter() {},
  classify: (e) => ({ code: 'X', message: String(e) }),
  seeded: () => Math.random,
});
const engines: LiveEngine[] = [];
for (let r = 0; r < runs; r++) {
  const feed = { symbol: `S${r % symbols}-USDT`, interval: '1m' };
  const params = sourceFile === undefined ? { fast: 5 + (r % 7), slow: 20 + (r % 11) } : {};
  engines.push(new LiveEngine(definition, [feed], settings, params, 256));
  api.open(r, definition, { feeds: [feed], settings, params, capacity: 256 }, r + 1);
}
const buffer = new SharedArrayBuffer(runs * STEP_ROW * 8);
const rows = new Float64Array(buffer);
api.share(buffer);
let reports = 0;

function wave(m: number): void {
  for (let r = 0; r < runs; r++) {
    const c = feeds[r % symbols]!.columns;
    const o = r * STEP_ROW;
    rows[o] = r;
    rows[o + 1] = 0;
    rows[o + 2] = c.openTime[m]!;
    rows[o + 3] = c.closeTime[m]!;
    rows[o + 4] = c.open[m]!;
    rows[o + 5] = c.high[m]!;
    rows[o + 6] = c.low[m]!;
    rows[o + 7] = c.close[m]!;
    rows[o + 8] = c.volume[m]!;
  }
}

function step(): void {
  if (way === 'engine')
    for (let r = 0; r < runs; r++) {
      const o = r * STEP_ROW;
      engines[r]!.advanceBar(
        0,
        rows[o + 2]!,
        rows[o + 3]!,
        rows[o + 4]!,
        rows[o + 5]!,
        rows[o + 6]!,
        rows[o + 7]!,
        rows[o + 8]!,
      );
    }
  else if (api.stepMany(0, runs, undefined) !== 0) reports++;
}

for (let m = 0; m < warm; m++) {
  wave(m);
  step();
}
// Only the steps are measured: the rows are written before each wave's reading starts.
let bytes = 0;
let collections = 0;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
for (let m = warm; m < warm + waves; m++) {
  wave(m);
  if ((m - warm) % 50 === 0) gc();
  const before = getHeapStatistics().used_heap_size;
  step();
  const after = getHeapStatistics().used_heap_size;
  if (after < before) collections++;
  else bytes += after - before;
}
console.log(
  JSON.stringify({
    way,
    strategy: sourceFile ?? 'sma',
    runs,
    waves,
    bytes_per_step: round(bytes / (runs * (waves - collections)), 1),
    collections,
    waves_with_reports: reports,
  }),
);
