/**
 * @module `npm run chaos`: the scaled topology (`@tickline/testing`) under load — bots playing through a
 * gateway, a market simulator in each collector, SSE subscribers on both gateways — while faults
 * are injected one after the other: kill -9 of one process of every role (restarted at once at
 * the same port), kill -9 of one NATS node, a restart of Redis and of PostgreSQL. After each fault:
 * every process ready again, every bot acknowledged again, every subscriber receiving trades, the
 * strategy and notify routes (strategies, portfolios, inbox, notification rules) answering through
 * a gateway, which forwards them to a strategy or platform process, and the consumer lag back down. At the end, the whole log is audited: every move a bot was acknowledged
 * is in it exactly once, no event id twice, each zone's sequence 1…n, and the trade projection in
 * SQL holds each logged trade once. Prints a timeline and writes it to docs/chaos-report.md.
 *
 * Env: TICKLINE_CHAOS_BOTS (default 10), TICKLINE_CHAOS_LAG_OK (largest lag counted as drained,
 * default 20 records: the simulators and bots publish steadily, so a live consumer is rarely at
 * exactly 0), TICKLINE_CHAOS_GAME_PARTITIONS (the game log's partitions, default 4: two zones per
 * game process, one in each partition; the audit reads every partition).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { until, startTopology, TOPOLOGY_ROLES, type Topology } from '@tickline/testing';
import { signUpAndIn, startOutageFleet, type OutageFleet } from '@tickline/server/internal';
import {
  auditLog,
  isContinuous,
  openTopologyLagProbe,
  seqFaults,
  readyStatus,
  topologyStreams,
  type LagProbe,
  type LogAudit,
} from './probes.ts';
import { openTradeSubscriber, type TradeSubscriber } from './subscriber.ts';
import { formatTimeline, type TimelineEntry } from './timeline.ts';
import { PATHS } from './request-load.ts';

const BOTS = Number(process.env.TICKLINE_CHAOS_BOTS ?? 10);
const LAG_OK = Number(process.env.TICKLINE_CHAOS_LAG_OK ?? 20);
const GAME_PARTITIONS = Number(process.env.TICKLINE_CHAOS_GAME_PARTITIONS ?? 4);
/**
 * The faults to inject, by name (`kill:<role>`, `stall:game`, `kill:nats`, `restart:redis`,
 * `restart:postgres`), comma-separated; unset: all of them, in that order.
 */
const FAULTS = process.env.TICKLINE_CHAOS_FAULTS?.split(',').map((f) => f.trim());
const injects = (fault: string) => FAULTS === undefined || FAULTS.includes(fault);
/** How long `stall:game` stops a game process: beyond `game.failoverAfterMs` (1.5 s), so its zones move. */
const STALL_MS = 4_000;
/** Where the processes' logs are kept (`<role>-<i>/tickline.log`); unset, they are not kept. */
const LOG_DIR = process.env.TICKLINE_CHAOS_LOG_DIR;
/** zone-1…zone-4 hash (FNV-1a mod 4) to partitions 1, 0, 3 and 2: every partition gets a zone. */
const ZONES_PER_GAME = 2;
const RECOVERY_MS = 30_000;
const REPORT = join(import.meta.dirname, '../../docs/chaos-report.md');

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

/** Polls `check` until it holds or `RECOVERY_MS` pass; the time it took, or undefined. */
async function recovered(check: () => Promise<boolean> | boolean): Promise<number | undefined> {
  const start = performance.now();
  try {
    await until(check, { timeoutMs: RECOVERY_MS, intervalMs: 250 });
    return Math.round(performance.now() - start);
  } catch {
    return undefined;
  }
}

/** After a fault: ready processes, players acknowledged again, trades reaching subscribers, lag down. */
async function checkRecovery(
  topology: Topology,
  lagProbe: LagProbe,
  fleet: OutageFleet,
  subscribers: TradeSubscriber[],
  step: string,
) {
  const acksAt = fleet.records.map((r) => r.acks);
  const tradesAt = subscribers.map((s) => s.events.length);
  const ready = await recovered(async () => {
    const codes = await Promise.all(topology.nodes.map((n) => readyStatus(n.url)));
    return codes.every((code) => code === 200);
  });
  note(
    step,
    ready !== undefined,
    ready !== undefined ? `every process /readyz 200 after ${ready} ms` : 'a process never became ready',
  );
  const resumed = await recovered(() => fleet.records.every((r, i) => r.acks > acksAt[i]!));
  const closed = fleet.records.filter((r) => r.closed !== undefined).length;
  note(
    step,
    resumed !== undefined && closed === 0,
    resumed !== undefined
      ? `all ${fleet.records.length} bots acknowledged again within ${resumed} ms (${closed} closed for good)`
      : `${fleet.records.filter((r, i) => r.acks <= acksAt[i]!).length} bots never acknowledged again`,
  );
  const streaming = await recovered(() => subscribers.every((s, i) => s.events.length > tradesAt[i]!));
  note(
    step,
    streaming !== undefined,
    streaming !== undefined
      ? `all ${subscribers.length} subscribers got trades within ${streaming} ms`
      : 'a subscriber got no trades',
  );
  // The strategy and notify paths through a gateway: forwarded to a strategy or platform process.
  let refused = '';
  const forwarded = await recovered(async () => {
    for (const path of PATHS) {
      const res = await fetch(`${node('gateway-2').url}${path}`, {
        headers: { authorization: `Bearer ${(await pathsUser).accessToken}` },
        signal: AbortSignal.timeout(5_000),
      }).catch((error: unknown) => ({ status: String(error) }));
      if (res.status !== 200) {
        refused = `${path}: ${res.status}`;
        return false;
      }
    }
    return true;
  });
  note(
    step,
    forwarded !== undefined,
    forwarded !== undefined
      ? `strategy, portfolio, inbox and rule routes answer through gateway-2 within ${forwarded} ms`
      : `a forwarded route did not answer (${refused})`,
  );
  let lag = { lag: Infinity, where: '-' };
  const drained = await recovered(async () => (lag = await lagProbe.max()).lag <= LAG_OK);
  note(
    step,
    drained !== undefined,
    drained !== undefined
      ? `max consumer lag ${lag.lag} (≤ ${LAG_OK}) within ${drained} ms`
      : `lag stayed at ${lag.lag} (${lag.where})`,
  );
}

/** Whether the log holds each player's answered moves, no more and no fewer. */
function movesMatch(accepted: ReadonlyMap<string, number>, audit: LogAudit): boolean {
  return [...accepted].every(([player, count]) => audit.moves.get(player) === count);
}

const topology = await startTopology({
  baseDir: LOG_DIR ?? join(tmpdir(), `tickline-chaos-${process.pid}`),
  keepLogs: LOG_DIR !== undefined,
  env: { TICKLINE_EVENTLOG_GAME_PARTITIONS: String(GAME_PARTITIONS) },
  zonesPerGame: ZONES_PER_GAME,
  log: (message) => process.stdout.write(`[${seconds().toFixed(1).padStart(6)} s] ${message}\n`),
});
let fleet: OutageFleet | undefined;
/** The whole log, main stream and game log partitions. */
const readLog = () =>
  auditLog(
    topology.env.TICKLINE_EVENTLOG_NATS_SERVERS!,
    topologyStreams(topology.env),
    Number(topology.env.TICKLINE_EVENTLOG_NATS_REPLICAS),
  );
const lagProbe = await openTopologyLagProbe(topology);
const subscribers: TradeSubscriber[] = [];
const node = (name: string) => topology.nodes.find((n) => n.name === name)!;
// One account reads the strategy and notify routes after every fault (signed up once the gateways are up).
let pathsUser: ReturnType<typeof signUpAndIn>;
// A run stopped from outside (Ctrl-C, a timeout) still leaves its report and no servers behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    note('run', false, `stopped by ${signal}`);
    void finish();
  });
try {
  note(
    'start',
    true,
    `topology up: ${topology.nodes.length} tickline processes, 3 NATS nodes, PostgreSQL, Redis; game log in ${GAME_PARTITIONS} partition(s)`,
  );
  const gateway = node('gateway-1');
  const joinable = await recovered(async () => {
    const user = await signUpAndIn(gateway.url, `zones-${Date.now()}@example.com`).catch(() => undefined);
    if (!user) return false;
    const res = await fetch(`${gateway.url}/api/v1/game/zones`, {
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    return res.ok && ((await res.json()) as { zones?: unknown[] }).zones?.length === 2 * ZONES_PER_GAME;
  });
  if (joinable === undefined) throw new Error('the gateway never listed every zone');
  pathsUser = signUpAndIn(node('gateway-2').url, `paths-${Date.now()}@example.com`);
  await pathsUser;
  fleet = await startOutageFleet({ url: gateway.url, count: BOTS, rateHz: 2, speedPerTick: 0.5 });
  for (const [i, name] of ['gateway-1', 'gateway-2', 'gateway-2'].entries())
    subscribers.push(await openTradeSubscriber(node(name).url, `subscriber-${i}-${Date.now()}@example.com`));
  note(
    'load',
    true,
    `${BOTS} bots at 2 moves/s through gateway-1, 2 simulators at 2 trades/s each, ${subscribers.length} SSE subscribers`,
  );
  await checkRecovery(topology, lagProbe, fleet, subscribers, 'baseline');

  for (const role of TOPOLOGY_ROLES) {
    if (!injects(`kill:${role}`)) continue;
    const victim = node(`${role}-1`);
    // A game process's unpublished moves die with it (a documented limit): answer them first,
    // and let them reach the log (an answered move is published after its tick, not before).
    if (role === 'game') {
      await fleet.quiesce(30_000);
      const logged = await recovered(async () => movesMatch(fleet!.accepted(), await readLog()));
      note(
        `kill -9 ${victim.name}`,
        logged !== undefined,
        `answered moves in the log after ${logged ?? '> 30,000'} ms`,
      );
    }
    const pid = victim.server?.child.pid;
    await victim.kill();
    note(`kill -9 ${victim.name}`, true, `pid ${pid} killed`);
    if (role === 'game') fleet.resume();
    await sleep(2_000);
    await victim.start();
    note(`kill -9 ${victim.name}`, true, `restarted as pid ${victim.server?.child.pid}`);
    await checkRecovery(topology, lagProbe, fleet, subscribers, `kill -9 ${victim.name}`);
  }

  if (injects('stall:game')) {
    // A process that stops answering without dying (a long GC pause, a starved VM; seen on this
    // busy machine): its peer takes its zones over while it still holds unpublished events and
    // players' moves in flight, and it wakes up to find them gone.
    const victim = node('game-2');
    const child = victim.server!.child;
    child.kill('SIGSTOP');
    note(`stall ${victim.name}`, true, `pid ${child.pid} stopped (SIGSTOP) for ${STALL_MS / 1000} s`);
    await sleep(STALL_MS);
    child.kill('SIGCONT');
    note(`stall ${victim.name}`, true, 'continued (SIGCONT)');
    await checkRecovery(topology, lagProbe, fleet, subscribers, `stall ${victim.name}`);
  }

  if (injects('kill:nats')) {
    const natsNode = topology.nats.servers[1]!;
    await natsNode.kill();
    note(`kill -9 NATS ${natsNode.name}`, true, 'node down for 5 s');
    await sleep(5_000);
    await natsNode.restart();
    await checkRecovery(topology, lagProbe, fleet, subscribers, `kill -9 NATS ${natsNode.name}`);
  }

  if (injects('restart:redis')) {
    await topology.redis.restart();
    note('restart Redis', true, 'SIGTERM and start on the same port (no persistence: it comes back empty)');
    await checkRecovery(topology, lagProbe, fleet, subscribers, 'restart Redis');
  }

  if (injects('restart:postgres')) {
    await topology.postgres.stop();
    note('restart PostgreSQL', true, 'fast shutdown, down for 3 s');
    await sleep(3_000);
    await topology.postgres.start();
    await checkRecovery(topology, lagProbe, fleet, subscribers, 'restart PostgreSQL');
  }

  // The audit: every answered move and every trade in the log once; projections once. The
  // collectors stop first (cleanly: what they read is published), so the trades in the log stop
  // growing and the projection can be compared with a fixed log.
  await fleet.quiesce(30_000);
  await Promise.all(topology.nodes.filter((n) => n.role === 'collector').map((n) => n.stop()));
  note('audit', true, 'bots quiet; collectors stopped (SIGTERM) so the log stops growing');
  await sleep(3_000);
  const accepted = fleet.accepted();
  const expectedMoves = [...accepted.values()].reduce((a, b) => a + b, 0);
  let audit = await readLog();
  for (let i = 0; i < 10 && !movesMatch(accepted, audit); i++) {
    await sleep(2_000);
    audit = await readLog();
  }
  const logged = [...audit.moves.values()].reduce((a, b) => a + b, 0);
  const wrong = [...accepted].filter(([player, count]) => audit.moves.get(player) !== count);
  const dropped = fleet.records.reduce((n, r) => n + r.moves.forgotten.size, 0);
  note(
    'audit',
    true,
    `${dropped} moves sent to a process that stopped answering were dropped by their clients on resume (never acknowledged, not counted)`,
  );
  note(
    'audit',
    wrong.length === 0,
    `${expectedMoves} acknowledged moves, ${logged} game.player.moved in the log; ${wrong.length} players differ${wrong.length ? ` (e.g. ${wrong[0]![0]}: acked ${wrong[0]![1]}, logged ${audit.moves.get(wrong[0]![0]) ?? 0})` : ''}`,
  );
  for (const [player, count] of wrong) {
    const record = fleet.records.find((r) => r.playerId === player)!;
    process.stdout.write(
      `  ${player} in ${record.bot.game.welcome?.zoneId}: acked ${count}, logged ${audit.moves.get(player) ?? 0}, resumed ${record.resumed} time(s)\n`,
    );
  }
  note(
    'audit',
    audit.duplicateIds === 0,
    `${audit.records} records, ${audit.duplicateIds} event ids seen twice`,
  );
  for (const [zone, seqs] of [...audit.zoneSeqs].sort()) {
    const streams = [...(audit.zoneStreams.get(zone) ?? [])];
    note(
      'audit',
      isContinuous(seqs) && streams.length === 1,
      `zone ${zone}: ${seqs.length} events in ${streams.join(' and ')}, seq 1…n ${isContinuous(seqs) ? 'without gap or repeat' : `BROKEN: ${seqFaults(seqs)}`}`,
    );
  }
  const client = new pg.Client({ connectionString: topology.databaseUrl });
  await client.connect();
  let rows = 0;
  await until(
    async () => {
      rows = Number(
        (await client.query<{ n: string }>('select count(*) as n from market_trades')).rows[0]!.n,
      );
      return rows === audit.trades.distinct;
    },
    { timeoutMs: 30_000 },
  ).catch(() => undefined);
  await client.end();
  note(
    'audit',
    rows === audit.trades.distinct,
    `market_trades has ${rows} rows for ${audit.trades.distinct} distinct trades in the log (${audit.trades.events} trade events; a trade is its table key: exchange, symbol, trade id, exchange time)`,
  );
} catch (error) {
  note('run', false, error instanceof Error ? error.message : String(error));
} finally {
  await finish();
}

/** Stops everything, writes the report (also of a run cut short) and exits. */
async function finish(): Promise<never> {
  fleet?.close();
  for (const s of subscribers) s.close();
  await lagProbe.close().catch(() => undefined);
  await topology.stop();
  const failed = timeline.some((entry) => !entry.ok);
  const report = formatTimeline(timeline, {
    date: new Date().toISOString(),
    bots: BOTS,
    lagOk: LAG_OK,
    durationS: seconds(),
  });
  writeFileSync(REPORT, report);
  process.stdout.write(
    `\n${failed ? 'CHAOS FAILED' : 'CHAOS PASSED'} in ${seconds().toFixed(0)} s; report in docs/chaos-report.md\n`,
  );
  process.exit(failed ? 1 : 0);
}
