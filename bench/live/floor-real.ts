/**
 * @module The real floor of a live sandbox process's step (a child of floor.ts): the process's own
 * tenants registry (`LiveTenants`, what live-process-entry.ts serves) holding FLOOR_TENANTS
 * accounts of FLOOR_RUNS_PER_TENANT SMA-crossover runs each (bench:live's strategy and parameters)
 * over 20 symbols, stepped on FLOOR_WAVES candle closes — a process's share of bench:live, without
 * the IPC. FLOOR_STRATEGY=empty steps a strategy that does nothing (the engine and the call
 * alone), FLOOR_SOURCE=<file> one of your own with its default parameters (what a line of a
 * strategy costs in a cold isolate); FLOOR_PLACE=host steps the same runs' engines on this thread
 * instead (the peer: one shared JIT, no isolate). Per step: the main thread's CPU, the whole
 * process's CPU, and each wave's wall time. Prints one JSON line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  compileStrategy,
  evaluateTrustedStrategy,
  LiveEngine,
  LiveTenants,
  randomWalkFeed,
  resolveBacktestSettings,
  SMA_CROSS_SOURCE,
} from '@tickline/strategy/internal';
import { envInt, percentile, round } from '../lib/report.ts';

const tenantCount = envInt('FLOOR_TENANTS', 500);
const runsPerTenant = envInt('FLOOR_RUNS_PER_TENANT', 5);
const waves = envInt('FLOOR_WAVES', 70);
const unmeasured = envInt('FLOOR_WARMUP_WAVES', 10);
const heapMb = envInt('FLOOR_HEAP_MB', 256);
const empty = process.env.FLOOR_STRATEGY === 'empty';
const host = process.env.FLOOR_PLACE === 'host';
const symbolCount = 20;
/** Numbers per entry and per candle of a step message (step-rows.ts). */
const STEP_REF = 3;
const STEP_CANDLE = 7;

const sourceFile = process.env.FLOOR_SOURCE;
const source =
  sourceFile !== undefined
    ? readFileSync(sourceFile, 'utf8')
    : empty
      ? 'export default defineStrategy({ onCandle() {} });'
      : SMA_CROSS_SOURCE;
const js = (await compileStrategy(source)).js;
const settings = resolveBacktestSettings({ startingCapital: 10_000, makerFee: 0.001, takerFee: 0.001 });
const symbols = Array.from({ length: symbolCount }, (_, i) => `S${i}-USDT`);
const feeds = symbols.map((s, i) => randomWalkFeed(s, '1m', 60_000, waves, i + 1));
const tenants = new LiveTenants();
const definition = host ? evaluateTrustedStrategy(js) : undefined;

const handles: number[] = [];
const engines: LiveEngine[] = [];
const symbolOf: number[] = [];
const openedAt = performance.now();
for (let t = 0; t < tenantCount; t++)
  for (let k = 0; k < runsPerTenant; k++) {
    // bench:live's numbering: run i belongs to account i % accounts, symbol i % 20.
    const i = k * tenantCount + t;
    const feed = { symbol: symbols[i % symbolCount]!, interval: '1m' };
    const params = empty || sourceFile !== undefined ? {} : { fast: 5 + (i % 7), slow: 20 + (i % 11) };
    symbolOf.push(i % symbolCount);
    if (definition !== undefined) {
      engines.push(new LiveEngine(definition, [feed], settings, params, 256));
      continue;
    }
    const opened = await tenants.open({
      runId: `run-${i}`,
      tenant: `u${t}`,
      tenantMemoryMb: heapMb,
      code: js,
      feeds: [feed],
      settings,
      params,
      capacity: 256,
      limits: { cpuMsPerCandle: 100, setupCpuMs: 2_000, warmupCpuMs: 2_000 },
    });
    handles.push(opened.handle);
  }
const openS = (performance.now() - openedAt) / 1000;
const runs = symbolOf.length;

const thread = () => {
  const u = process.threadCpuUsage();
  return u.user + u.system;
};
const whole = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

const wallMs: number[] = [];
let thread0 = 0;
let whole0 = 0;
let parts = 0;
for (let m = 0; m < waves; m++) {
  if (m === unmeasured) {
    // A profiler attached from outside starts here (FLOOR_MARK names a file to write the pid to).
    if (process.env.FLOOR_MARK !== undefined) writeFileSync(process.env.FLOOR_MARK, String(process.pid));
    thread0 = thread();
    whole0 = whole();
  }
  // The message a live process gets: each account's runs together (the server orders them so),
  // each symbol's candle once.
  const candles = new Float64Array(symbolCount * STEP_CANDLE);
  for (let k = 0; k < symbolCount; k++) {
    const c = feeds[k]!.columns;
    candles.set(
      [c.openTime[m]!, c.closeTime[m]!, c.open[m]!, c.high[m]!, c.low[m]!, c.close[m]!, c.volume[m]!],
      k * STEP_CANDLE,
    );
  }
  const rows = new Float64Array(runs * STEP_REF);
  for (let r = 0; r < runs; r++) rows.set([handles[r] ?? 0, 0, symbolOf[r]!], r * STEP_REF);
  const started = performance.now();
  if (host)
    for (let r = 0; r < runs; r++) {
      const o = symbolOf[r]! * STEP_CANDLE;
      engines[r]!.advanceBar(
        0,
        candles[o]!,
        candles[o + 1]!,
        candles[o + 2]!,
        candles[o + 3]!,
        candles[o + 4]!,
        candles[o + 5]!,
        candles[o + 6]!,
      );
    }
  else {
    const result = tenants.step(
      { rows, candles },
      () => {},
      () => parts++,
    );
    const failed = result.reports.find(([, r]) => !r.ok);
    if (failed !== undefined) throw new Error(`a run failed: ${JSON.stringify(failed)}`);
  }
  if (m >= unmeasured) wallMs.push(performance.now() - started);
}
const steps = runs * (waves - unmeasured);
console.log(
  JSON.stringify({
    place: host ? 'host' : 'sandbox',
    strategy: sourceFile ?? (empty ? 'empty' : 'sma'),
    tenants: tenantCount,
    runs,
    heapMb,
    waves: waves - unmeasured,
    open_s: round(openS, 1),
    thread_us_per_step: round((thread() - thread0) / steps, 1),
    process_us_per_step: round((whole() - whole0) / steps, 1),
    wave_wall_p50_ms: round(percentile(wallMs, 50), 1),
    wave_wall_max_ms: round(Math.max(...wallMs), 1),
    parts_per_wave: round(parts / waves, 1),
    rss_mb: round(process.memoryUsage.rss() / 1024 / 1024, 0),
  }),
);
