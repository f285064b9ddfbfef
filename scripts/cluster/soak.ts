/**
 * @module `npm run soak`: the scaled topology (`@tickline/testing`) at steady load — bots playing through a
 * gateway, a market simulator in each collector, SSE subscribers — for TICKLINE_SOAK_MINUTES
 * (default 30). Every 10 s it samples each process's RSS (from /proc), the largest consumer lag
 * and the game tick p99 since the last sample (from /metrics). At the end each series is judged on
 * the least-squares slope of its second half (trend.ts; the first half is warm-up) and the run
 * fails when one grows faster than its rule. Writes docs/soak-report.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until, startTopology } from '@tickline/testing';
import { signUpAndIn, startOutageFleet, type OutageFleet } from '@tickline/server/internal';
import { metricsOf, openTopologyLagProbe } from './probes.ts';
import { openTradeSubscriber, type TradeSubscriber } from './subscriber.ts';
import { histogramBuckets, judgeTrend, p99Between, type TrendRule, type TrendVerdict } from './trend.ts';

const MINUTES = Number(process.env.TICKLINE_SOAK_MINUTES ?? 30);
const BOTS = Number(process.env.TICKLINE_SOAK_BOTS ?? 10);
/** The game log's partitions (as `npm run chaos`): two zones per game process, so four zones spread over them. */
const GAME_PARTITIONS = Number(process.env.TICKLINE_SOAK_GAME_PARTITIONS ?? 4);
const ZONES_PER_GAME = 2;
const SAMPLE_MS = 10_000;
const REPORT = join(import.meta.dirname, '../../docs/soak-report.md');
/** Growth allowed per minute over the second half: a leak of 1 MiB/min is 1.4 GiB a day. */
const RSS_RULE_MIB_PER_MIN = 1;
const LAG_RULE_PER_MIN = 5;
const TICK_RULE_MS_PER_MIN = 1;

const t0 = performance.now();
const log = (message: string) =>
  process.stdout.write(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(5)} s] ${message}\n`);

function rssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kib = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}

const topology = await startTopology({
  baseDir: join(tmpdir(), `tickline-soak-${process.pid}`),
  env: { TICKLINE_EVENTLOG_GAME_PARTITIONS: String(GAME_PARTITIONS) },
  zonesPerGame: ZONES_PER_GAME,
  log,
});
let fleet: OutageFleet | undefined;
const lagProbe = await openTopologyLagProbe(topology);
const subscribers: TradeSubscriber[] = [];
const series = new Map<string, Array<[number, number | undefined]>>();
const push = (name: string, t: number, value: number | undefined) => {
  const points = series.get(name) ?? [];
  points.push([t, value]);
  series.set(name, points);
};
let exitCode = 0;
try {
  const gateway = topology.nodes.find((n) => n.name === 'gateway-1')!;
  await until(
    async () => {
      const user = await signUpAndIn(gateway.url, `zones-${Date.now()}@example.com`).catch(() => undefined);
      if (!user) return false;
      const res = await fetch(`${gateway.url}/api/v1/game/zones`, {
        headers: { authorization: `Bearer ${user.accessToken}` },
      });
      return res.ok && ((await res.json()) as { zones?: unknown[] }).zones?.length === 2 * ZONES_PER_GAME;
    },
    { timeoutMs: 90_000, what: 'every zone joinable' },
  );
  fleet = await startOutageFleet({ url: gateway.url, count: BOTS, rateHz: 2, speedPerTick: 0.5 });
  for (const node of topology.nodes.filter((n) => n.role === 'gateway')) {
    subscribers.push(await openTradeSubscriber(node.url, `soak-${node.name}-${Date.now()}@example.com`));
  }
  log(
    `load: ${BOTS} bots at 2 moves/s, 2 simulators, ${subscribers.length} SSE subscribers; game log in ${GAME_PARTITIONS} partition(s); ${MINUTES} min`,
  );
  const games = topology.nodes.filter((n) => n.role === 'game');
  let lastBuckets: Map<number, number> | undefined;
  const end = performance.now() + MINUTES * 60_000;
  while (performance.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    const t = performance.now() - t0;
    for (const node of topology.nodes) push(`rss ${node.name}`, t, rssMiB(node.server?.child.pid));
    const lag = await lagProbe.max();
    push('consumer lag (max)', t, Number.isFinite(lag.lag) ? lag.lag : undefined);
    const buckets = new Map<number, number>();
    for (const node of games)
      for (const [le, count] of histogramBuckets(
        (await metricsOf(node.url)) ?? [],
        'tickline_game_tick_duration_seconds',
      ))
        buckets.set(le, (buckets.get(le) ?? 0) + count);
    const p99 = lastBuckets ? p99Between(lastBuckets, buckets) : undefined;
    lastBuckets = buckets;
    push('tick p99', t, p99 === undefined ? undefined : p99 * 1000);
    const rssTotal = topology.nodes.reduce((sum, n) => sum + (rssMiB(n.server?.child.pid) ?? 0), 0);
    log(
      `rss total ${rssTotal.toFixed(0)} MiB, lag ${lag.lag} (${lag.where}), tick p99 ≤ ${p99 === undefined ? '-' : (p99 * 1000).toFixed(1)} ms, acks ${fleet.acks()}, trades streamed ${subscribers.reduce((n, s) => n + s.events.length, 0)}`,
    );
  }
  const rule = (name: string): TrendRule =>
    name.startsWith('rss ')
      ? { series: name, unit: 'MiB', maxPerMinute: RSS_RULE_MIB_PER_MIN }
      : name.startsWith('consumer lag')
        ? { series: name, unit: 'records', maxPerMinute: LAG_RULE_PER_MIN }
        : { series: name, unit: 'ms', maxPerMinute: TICK_RULE_MS_PER_MIN };
  const verdicts = [...series].map(([name, points]) => judgeTrend(rule(name), points));
  const failed = verdicts.filter((v) => !v.ok);
  exitCode = failed.length ? 1 : 0;
  writeFileSync(REPORT, soakReport(verdicts, fleet.acks()));
  log(
    `${failed.length ? `SOAK FAILED: ${failed.map((v) => v.series).join(', ')}` : 'SOAK PASSED'}; report in docs/soak-report.md`,
  );
} catch (error) {
  log(`soak aborted: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  fleet?.close();
  for (const s of subscribers) s.close();
  await lagProbe.close();
  await topology.stop();
  process.exit(exitCode);
}

function soakReport(verdicts: readonly TrendVerdict[], acks: number): string {
  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');
  return [
    '# Soak report',
    '',
    'Written by `npm run soak` (scripts/cluster/soak.ts); the last run, committed as it came out.',
    '',
    `- run: ${new Date().toISOString()}, ${MINUTES} min (TICKLINE_SOAK_MINUTES), a sample every ${SAMPLE_MS / 1000} s`,
    '- topology: PostgreSQL primary and replica, 3 NATS nodes (stream at 3 replicas), Redis, 2 processes of every role, on one 2-core machine',
    `- game log: ${GAME_PARTITIONS} partition(s), ${2 * ZONES_PER_GAME} zones; deliveries by interest (a subject per channel)`,
    `- load: ${BOTS} bots at 2 moves/s (${acks} moves acknowledged), 2 market simulators at 2 trades/s, an SSE subscriber per gateway`,
    `- rules (growth per minute over the second half, least squares): RSS ≤ ${RSS_RULE_MIB_PER_MIN} MiB/min per process, consumer lag ≤ ${LAG_RULE_PER_MIN} records/min, tick p99 ≤ ${TICK_RULE_MS_PER_MIN} ms/min`,
    `- verdict: **${verdicts.every((v) => v.ok) ? 'PASSED' : 'FAILED'}**`,
    '',
    '| series | samples | first | last | slope / min | limit / min | result |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...verdicts.map(
      (v) =>
        `| ${v.series} (${v.unit}) | ${v.samples} | ${fmt(v.first)} | ${fmt(v.last)} | ${fmt(v.perMinute)} | ${v.maxPerMinute} | ${v.ok ? 'ok' : '**FAIL**'} |`,
    ),
    '',
  ].join('\n');
}
