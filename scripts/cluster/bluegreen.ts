/**
 * @module `npm run bluegreen`: a blue/green release of the stateless roles on real processes
 * (`@tickline/testing`), under a steady client load through the one front address —
 * HTTP requests served by all three roles (the gateway's own, and forwarded to strategy and
 * platform), an open SSE trade stream, and game bots — while blue is replaced by green as
 * deploy/bluegreen/flip.sh does it: green gateway, strategy and platform start and become ready,
 * the front routes new connections to green (the Service's selector flip), then every blue
 * process gets SIGTERM and drains (`shutdown.drainMs`) before it stops.
 *
 * It passes when: no HTTP request failed, the stream resumed on green with no trade missing or
 * repeated against the log, every bot kept being acknowledged without a close, and the log's
 * audit (as in the chaos run) has every acknowledged move once, no event id twice, each zone's
 * sequence 1…n. Exit code 0 on a pass, 1 otherwise.
 *
 * Env: TICKLINE_BLUEGREEN_BOTS (default 20), TICKLINE_BLUEGREEN_SOAK_MS (load before and after the
 * release, default 8000), TICKLINE_BLUEGREEN_DRAIN_MS (default 3000).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until, startTopology, type TicklineNode, type Topology } from '@tickline/testing';
import { signUpAndIn, startOutageFleet, type OutageFleet } from '@tickline/server/internal';
import { auditLog, isContinuous, readyStatus, streamGaps, topologyStreams } from './probes.ts';
import { startRequestLoad, type RequestLoad } from './request-load.ts';
import { openTradeSubscriber, type TradeSubscriber } from './subscriber.ts';
import type { TimelineEntry } from './timeline.ts';

const BOTS = Number(process.env.TICKLINE_BLUEGREEN_BOTS ?? 20);
const SOAK_MS = Number(process.env.TICKLINE_BLUEGREEN_SOAK_MS ?? 8_000);
const DRAIN_MS = Number(process.env.TICKLINE_BLUEGREEN_DRAIN_MS ?? 3_000);
const COLOURED = ['platform', 'strategy', 'gateway'] as const;

const t0 = performance.now();
const timeline: TimelineEntry[] = [];
const seconds = () => (performance.now() - t0) / 1000;
function note(step: string, ok: boolean, detail: string): void {
  timeline.push({ at: seconds(), step, ok, detail });
  process.stdout.write(
    `[${seconds().toFixed(1).padStart(6)} s] ${ok ? 'ok  ' : 'FAIL'} ${step}: ${detail}\n`,
  );
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const topology: Topology = await startTopology({
  baseDir: join(tmpdir(), `tickline-bluegreen-${process.pid}`),
  log: (message) => process.stdout.write(`[${seconds().toFixed(1).padStart(6)} s] ${message}\n`),
  // Two gateways (the front balances them), one of every other role, one NATS node: the release
  // concerns the stateless roles, and the run stays short on a busy machine.
  roles: { gateway: 2, platform: 1, strategy: 1, collector: 1, game: 1 },
  natsNodes: 1,
  readReplica: false,
  env: { TICKLINE_SHUTDOWN_DRAIN_MS: String(DRAIN_MS) },
});
let fleet: OutageFleet | undefined;
let subscriber: TradeSubscriber | undefined;
let load: RequestLoad | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    note('run', false, `stopped by ${signal}`);
    void finish();
  });

try {
  const front = topology.front;
  const ready = async (nodes: readonly TicklineNode[]) =>
    (await Promise.all(nodes.map((n) => readyStatus(n.url)))).every((code) => code === 200);
  await until(() => ready(topology.nodes), { timeoutMs: 120_000, what: 'every process ready' });
  await until(
    async () => {
      const user = await signUpAndIn(front.url, `zones-${Date.now()}@example.com`).catch(() => undefined);
      if (!user) return false;
      const res = await fetch(`${front.url}/api/v1/game/zones`, {
        headers: { authorization: `Bearer ${user.accessToken}` },
      });
      return res.ok && (((await res.json()) as { zones?: unknown[] }).zones?.length ?? 0) > 0;
    },
    { timeoutMs: 60_000, what: 'a zone listed through the front' },
  );
  fleet = await startOutageFleet({ url: front.url, count: BOTS, rateHz: 2, speedPerTick: 0.5 });
  subscriber = await openTradeSubscriber(front.url, `stream-${Date.now()}@example.com`);
  load = await startRequestLoad(front.url, `load-${Date.now()}@example.com`);
  note(
    'load',
    true,
    `${BOTS} bots, 1 SSE trade stream and ${load.paths.length} HTTP paths in a loop, all through the front (${front.url})`,
  );
  await sleep(SOAK_MS);
  note(
    'blue',
    load.failures.length === 0,
    `${load.ok} requests answered, ${load.failures.length} failed before the release`,
  );

  // The release: green up and ready, then the flip, then blue drains and stops.
  const blue = topology.nodes.filter(
    (n) => (COLOURED as readonly string[]).includes(n.role) && n.colour === 'blue',
  );
  const green: TicklineNode[] = [];
  for (const role of COLOURED)
    for (let i = 0; i < blue.filter((n) => n.role === role).length; i++)
      green.push(await topology.add(role, { colour: 'green' }));
  await until(() => ready(green), { timeoutMs: 120_000, what: 'every green process ready' });
  note('green', true, `${green.map((n) => n.name).join(', ')} ready`);
  const acksAt = fleet.records.map((r) => r.acks);
  const tradesAt = subscriber.events.length;
  const requestsAt = load.ok;
  front.route(green.filter((n) => n.role === 'gateway').map((n) => n.port));
  note('flip', true, 'the front sends new connections to the green gateways');
  const stopping = performance.now();
  await Promise.all(blue.map((n) => n.stop()));
  note(
    'drain',
    true,
    `blue stopped (SIGTERM, ${DRAIN_MS} ms drain) in ${Math.round(performance.now() - stopping)} ms`,
  );
  await sleep(SOAK_MS);

  // While blue drained and after: the checks.
  const closed = fleet.records.filter((r) => r.closed !== undefined);
  const resumed = fleet.records.filter((r, i) => r.acks > acksAt[i]!).length;
  note(
    'bots',
    resumed === BOTS && closed.length === 0,
    `${resumed}/${BOTS} bots acknowledged after the flip, ${closed.length} closed`,
  );
  note(
    'http',
    load.failures.length === 0 && load.ok > requestsAt,
    `${load.ok - requestsAt} requests answered during and after the release, ${load.failures.length} failed, ${load.retried} sent again after their connection closed unanswered${load.failures.length ? ` (e.g. ${load.failures[0]})` : ''}`,
  );
  const open = [...front.open()].filter(([port, n]) => n > 0 && blue.some((b) => b.port === port));
  note('front', open.length === 0, `${open.length} connections still open to blue`);
  const events = subscriber.events;
  note(
    'stream',
    events.length > tradesAt,
    `${events.length - tradesAt} trades after the flip; the stream reopened ${subscriber.reopened} times`,
  );

  // The audit: bots quiet and the collector stopped so the log stops growing.
  load.stop();
  await fleet.quiesce(30_000);
  await Promise.all(topology.nodes.filter((n) => n.role === 'collector').map((n) => n.stop()));
  await sleep(2_000);
  const readLog = () =>
    auditLog(
      topology.env.TICKLINE_EVENTLOG_NATS_SERVERS!,
      topologyStreams(topology.env),
      Number(topology.env.TICKLINE_EVENTLOG_NATS_REPLICAS),
    );
  const accepted = fleet.accepted();
  let audit = await readLog();
  for (let i = 0; i < 10 && ![...accepted].every(([p, n]) => audit.moves.get(p) === n); i++) {
    await sleep(2_000);
    audit = await readLog();
  }
  const wrong = [...accepted].filter(([player, count]) => audit.moves.get(player) !== count);
  note(
    'audit',
    wrong.length === 0,
    `${[...accepted.values()].reduce((a, b) => a + b, 0)} acknowledged moves; ${wrong.length} players differ from the log`,
  );
  note(
    'audit',
    audit.duplicateIds === 0,
    `${audit.records} records, ${audit.duplicateIds} event ids seen twice`,
  );
  for (const [zone, seqs] of [...audit.zoneSeqs].sort())
    note(
      'audit',
      isContinuous(seqs),
      `zone ${zone}: ${seqs.length} events, seq 1…n ${isContinuous(seqs) ? 'without gap or repeat' : 'BROKEN'}`,
    );
  const gaps = streamGaps(
    events.map((e) => e.id),
    audit.tradeIds.get('BTC-USDT') ?? [],
  );
  note(
    'audit',
    gaps.missing.length + gaps.duplicates.length + gaps.unknown.length === 0,
    `stream: ${events.length} BTC-USDT trades received across the release; ${gaps.missing.length} missing, ${gaps.duplicates.length} twice, ${gaps.unknown.length} not in the log`,
  );
} catch (error) {
  note('run', false, error instanceof Error ? error.message : String(error));
} finally {
  await finish();
}

async function finish(): Promise<never> {
  load?.stop();
  fleet?.close();
  subscriber?.close();
  await topology.stop();
  const failed = timeline.some((entry) => !entry.ok);
  process.stdout.write(
    `\n${failed ? 'BLUEGREEN FAILED' : 'BLUEGREEN PASSED'} in ${seconds().toFixed(0)} s\n`,
  );
  process.exit(failed ? 1 : 0);
}
