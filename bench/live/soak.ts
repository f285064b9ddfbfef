/**
 * @module `npm run bench:live-soak -- [--minutes 10] [--runs 40] [--topology embedded|cluster]`:
 * issue 45's honest-load check. Honest runs were paused as if hostile (`STRATEGY_CPU_LIMIT`) on a
 * busy 2-core machine: 23 of 40 trend-template runs within 3 minutes, beside another Tickline
 * server, a browser, research jobs and a restart's catch-up. This puts that mixed load on a real
 * Tickline (soak-load.ts: a second server with live runs, backtests and a parameter search from
 * another account, Chromium on the dashboard; and one SIGTERM restart half-way), runs `--runs`
 * trend-template runs (SMA 2/3 on the simulator's 1 s candles, two per free account) plus ONE run
 * that spins far past its CPU budget on every candle, and for `--minutes` samples every run
 * (`GET /api/v1/live-strategies/{id}`), and collects every `live strategy paused` warn line of the
 * live processes. Pass: no honest run paused, the busy run paused for CPU in each of its lives.
 * `busy_paused_after_ms` is from the close of the first candle of a life (its first overrun; the
 * first live step of a run gets 250 ms), or from its enable when it was stopped before deciding
 * one (in the catch-up of its start), to its pause. Progress on stderr, the last line on stdout is
 * `RESULT key=value …`; exits 1 when an honest run was paused or decided nothing, or the busy run
 * was never stopped.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { percentile, progress } from '../lib/report.ts';
import { startMixedLoad, type MixedLoad } from './soak-load.ts';
import {
  account,
  BUSY_SOURCE,
  enable,
  inParallel,
  Sampler,
  storeStrategy,
  TREND_PARAMS,
  TREND_SOURCE,
  type BusyLife,
  type SoakRun,
} from './soak-runs.ts';
import { startSoakTarget, type SoakTarget, type SoakTopology } from './soak-target.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    runs: { type: 'string', default: '40' },
    topology: { type: 'string', default: 'embedded' },
  },
});
const minutes = Number(values.minutes);
const runCount = Number(values.runs);
const topology = values.topology as SoakTopology;
if (!(minutes > 0) || !Number.isInteger(runCount) || runCount < 2 || runCount % 2 !== 0)
  throw new Error('--minutes must be > 0 and --runs an even number ≥ 2');
if (topology !== 'embedded' && topology !== 'cluster') throw new Error('--topology is embedded or cluster');

/** Free accounts run two live strategies each (the tier's `maxLive`). */
const RUNS_PER_ACCOUNT = 2;
const SWEEP_MS = 5_000;
const BUSY_SAMPLE_MS = 250;
/** Warm-up bars: the SMA 3 is filled before the first live candle. */
const WARMUP_BARS = 3;

const t0 = performance.now();
const log = (message: string) => progress(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${message}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load1 = () => loadavg()[0]!.toFixed(1);

let target: SoakTarget | undefined;
let load: MixedLoad | undefined;
let exitCode = 1;
try {
  target = await startSoakTarget(topology, log);
  const base = () => target!.url;
  load = await startMixedLoad(base, log);

  // The honest runs: the trend template, two per free account, enabled a few accounts at a time.
  const stamp = Date.now();
  const honest = await inParallel(
    Array.from({ length: runCount / RUNS_PER_ACCOUNT }, (_, i) => i),
    3,
    async (i): Promise<SoakRun[]> => {
      const user = await account(base, `soak-${i}-${stamp}@example.test`);
      const runs: SoakRun[] = [];
      for (let k = 0; k < RUNS_PER_ACCOUNT; k++) {
        const strategy = await storeStrategy(base, user, `trend ${k + 1}`, TREND_SOURCE);
        runs.push({ id: await enable(base, user, strategy, TREND_PARAMS, WARMUP_BARS), user, honest: true });
      }
      return runs;
    },
  ).then((lists) => lists.flat());
  log(`${honest.length} trend runs enabled (SMA ${TREND_PARAMS.fast}/${TREND_PARAMS.slow}, 1 s candles)`);
  const busyUser = await account(base, `soak-busy-${stamp}@example.test`);
  const busyStrategy = await storeStrategy(base, busyUser, 'busy loop', BUSY_SOURCE);
  const busy: SoakRun = { id: await enable(base, busyUser, busyStrategy, {}, 0), user: busyUser, honest: false };
  const busyEnabledAt = Date.now();
  log(`busy-loop run enabled: ${busy.id}`);

  const sampler = new Sampler(base, [...honest, busy]);
  const honestIds = new Set(honest.map((r) => r.id));
  const soakStart = Date.now();
  const soakEnd = soakStart + minutes * 60_000;
  const restartAt = soakStart + (minutes * 60_000) / 2;
  let restarted: Promise<void> | undefined;
  let restartMs = 0;
  const loads: number[] = [];
  // The busy run is read often, the honest ones every sweep.
  const busyLoop = (async () => {
    while (Date.now() < soakEnd) {
      await sampler.busy(busy);
      await sleep(BUSY_SAMPLE_MS);
    }
  })();
  while (Date.now() < soakEnd) {
    const sweepStart = Date.now();
    await sampler.sweep();
    loads.push(loadavg()[0]!);
    if (restarted === undefined && Date.now() >= restartAt) {
      log('restart: SIGTERM to the live process, started again on the same data (catch-up)');
      const began = performance.now();
      restarted = target.restart().then(() => {
        restartMs = performance.now() - began;
        log(`restarted in ${(restartMs / 1000).toFixed(1)} s`);
      });
    }
    const honestPauses = [...sampler.seen.values()].filter((p) => honestIds.has(p.run));
    const running = honest.filter((r) => sampler.latest.get(r.id)?.state === 'running').length;
    const decided = honest.reduce((sum, r) => sum + (sampler.latest.get(r.id)?.candles ?? 0), 0);
    const b = sampler.latest.get(busy.id);
    log(
      `running ${running}/${honest.length} honest (${decided} candles decided), paused seen ${honestPauses.length}; ` +
        `busy ${b?.state} after ${b?.candles} candles, lives ${sampler.busyLives.length}; ` +
        `backtests ${load.counts.backtests}, research ${load.counts.researchJobs}, page loads ${load.counts.browserLoads}; load ${load1()}`,
    );
    await sleep(Math.max(0, SWEEP_MS - (Date.now() - sweepStart)));
  }
  await busyLoop;
  await restarted;
  // A last sweep after the soak, so a pause of its last seconds is seen too.
  await sampler.sweep();

  // Pauses: every one the samples saw, and every one a live process logged.
  const lines = target.pauses();
  const logged = lines.filter((p) => p.msg === 'live strategy paused');
  const honestLogged = logged.filter((p) => honestIds.has(p.run));
  for (const p of lines.filter((l) => l.run === busy.id))
    log(`busy run (${p.process}): ${p.msg} ${p.code} ${p.reason}${p.resumesAt ? `; resumes at ${p.resumesAt}` : ''}`);
  const honestSeen = [...sampler.seen.values()].filter((p) => honestIds.has(p.run));
  const pausedRuns = new Set([...honestLogged, ...honestSeen].map((p) => p.run));
  const codes = new Map<string, number>();
  for (const p of honestLogged.length > 0 ? honestLogged : honestSeen) codes.set(p.code, (codes.get(p.code) ?? 0) + 1);
  for (const p of honestLogged) log(`honest run paused: ${p.run} ${p.code}: ${p.reason}`);
  for (const p of honestSeen) log(`honest run seen paused: ${p.run} ${p.code} at ${new Date(p.at).toISOString()}: ${p.reason}`);

  const lives = sampler.busyLives.filter((l) => l.pause !== undefined);
  const busyCpu = lives.filter((l) => l.pause!.code === 'STRATEGY_CPU_LIMIT');
  // From the first candle of the life; a run stopped before it decided one (in its warm-up or
  // the catch-up of its start) from its enable's answer.
  const startOf = (l: BusyLife, i: number) => l.firstCandle ?? (i === 0 ? busyEnabledAt : undefined);
  const after = lives.flatMap((l, i) => {
    const start = startOf(l, i);
    return l.pause!.code === 'STRATEGY_CPU_LIMIT' && start !== undefined ? [l.pause!.at - start] : [];
  });
  lives.forEach((l, i) => {
    const start = startOf(l, i);
    const since = l.firstCandle !== undefined ? "its first candle's close" : 'its enable';
    log(`busy run paused: ${l.pause!.code}${start === undefined ? '' : ` ${l.pause!.at - start} ms after ${since}`}: ${l.pause!.reason}`);
  });
  const busyStopped = busyCpu.length > 0 && lives.length === busyCpu.length;
  // A run that decided nothing was never judged: "not paused" would say nothing about it.
  const candles = honest.map((r) => sampler.latest.get(r.id)?.candles ?? 0);
  const idle = sampler.latest.get(busy.id);
  const result = {
    runs: honest.length,
    paused_honest: pausedRuns.size,
    honest_pauses: Math.max(honestLogged.length, honestSeen.length),
    pause_codes: [...codes].map(([c, n]) => `${c}:${n}`).join(',') || 'none',
    honest_candles_min: Math.min(...candles),
    honest_candles_p50: percentile(candles, 50),
    busy_pauses: busyCpu.length,
    busy_paused_after_ms: after.length === 0 ? 'none' : Math.round(after[0]!),
    busy_paused_after_max_ms: after.length === 0 ? 'none' : Math.round(Math.max(...after)),
    busy_state: idle?.state ?? 'unknown',
    backtests: load.counts.backtests,
    research_jobs: load.counts.researchJobs,
    jobs_failed: load.counts.failed,
    page_loads: load.counts.browserLoads,
    restart_s: (restartMs / 1000).toFixed(1),
    samples: sampler.samples,
    unanswered: sampler.unanswered,
    load_avg: load1(),
    load_avg_p50: percentile(loads, 50).toFixed(1),
    load_avg_max: Math.max(...loads).toFixed(1),
    minutes,
    topology,
  };
  exitCode = pausedRuns.size === 0 && busyStopped && Math.min(...candles) > 0 ? 0 : 1;
  console.log(`RESULT ${Object.entries(result).map(([k, v]) => `${k}=${v}`).join(' ')}`);
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await load?.stop().catch((e: unknown) => log(`stopping the load: ${String(e)}`));
  await target?.stop().catch((e: unknown) => log(`stopping tickline: ${String(e)}`));
}
process.exit(exitCode);
