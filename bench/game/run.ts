/**
 * @module `npm run bench:game` — Tickline's game server against Colyseus 0.18 (`@colyseus/core`
 * with `@colyseus/ws-transport`, players on `@colyseus/sdk`), the same scenario in the same run
 * (rules.ts: 20 Hz tick, a move 10×/s per player, 2% speed hacks, a per-client rate limit).
 *
 * Each server runs in a child pinned to core 0 (`taskset -c 0`); this process, the load generator,
 * pins itself to core 1. Per server: players join zones of 100 (rooms in Colyseus) — 1,000, then
 * 1,000 more on the same server — then a fresh server with everyone in one zone. Each step: memory
 * after GC before and after joining, a warm-up, then a measured window: server CPU
 * (`process.cpuUsage`), bytes handed to sockets (/proc/self/io wchar), work per tick (Tickline:
 * step + delivery; Colyseus: `broadcastPatch`), tick interval, and move → authoritative-state
 * latency (Tickline: the ack; Colyseus: the player's own `seq` appearing in a patch).
 *
 * CPU per 1,000 players is taken at the full rate: server CPU per move the generator delivered ×
 * 10 moves/s × 1,000, so a generator (or a server starved by other load) that falls short does not
 * make a server look cheap. "Healthy N" (zones of 100) extrapolates it from the largest step to
 * 65% of a core, if tick p99 stayed under 50 ms where measured — a full ramp does not fit 60 s. The load generator counts as the limit when it
 * delivered under 95% of the moves or used over 90% of its core.
 *
 * Where players start: BENCH_SPAWN=cluster (default: Tickline spawns everyone at its zone's spawn
 * point with a view radius spanning the world, so each player sees its whole zone for the whole
 * run, as every Colyseus player sees its whole room) or `spread` (Tickline scatters joins over the
 * world with its default 50-unit view; interest management then filters).
 *
 * Sizes: BENCH_ZONE_STEPS (default "1000,2000"), BENCH_ONE_ZONE (1000), BENCH_WARMUP_SECONDS (1),
 * BENCH_WINDOW_SECONDS (2), BENCH_SERVERS (tickline,colyseus), BENCH_ONLY (`arena` or `c4`: that
 * row alone, e.g. to profile it with BENCH_PROFILE=dir). The last line is `RESULT {json}`.
 *
 * BENCH_ONLY=arena-rules runs the arena row with Tickline's arena as a game of the rules API in
 * RulesRooms (arena-rules-server.ts, one room per zone; players arena-rules-load.ts) in place of
 * the zone engine, against the same Colyseus room, same players and moves; its keys read `rules_…`
 * and the ratios (rules over Colyseus) are the same names as the arena row's.
 *
 * The turn-based row (c4-phase.ts): BENCH_C4_ROOMS Connect Four rooms of two (default 1000; 0
 * skips it), each playing BENCH_C4_TURNS_PER_SECOND turns a second (1), on Tickline's built-in
 * game in rules rooms and on Colyseus's `Room` of the same game; RESULT gains
 * `<server>_c4_rooms_per_core` and `c4_rooms_per_core_ratio` (Tickline over Colyseus).
 *
 * Memory per player two ways: RSS after GC from one step's connections to the next's (spanning a
 * window of moves), and live memory (heap used + external after a full GC) just before and after
 * connecting a step. BENCH_HEAP_SNAPSHOT=dir writes a heap snapshot of the server at each reading.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { envInt, printResult, printTable, progress, round } from '../lib/report.ts';
import { runC4Phase, type C4PhaseResult } from './c4-phase.ts';
import { joinColyseus } from './colyseus-load.ts';
import { SERVERS, type PeerKind, type ServerKind } from './ipc.ts';
import { joinArenaRoom } from './arena-rules-load.ts';
import { runPhase, type JoinPlayer, type PhaseResult } from './phase.ts';
import { HEALTHY_CPU_SHARE, HEALTHY_TICK_P99_MS, RULES } from './rules.ts';
import { joinTickline } from './tickline-load.ts';

const zoneSteps = (process.env.BENCH_ZONE_STEPS ?? '1000,2000').split(',').map(Number);
const oneZone = envInt('BENCH_ONE_ZONE', 1000);
const warmupMs = envInt('BENCH_WARMUP_SECONDS', 1) * 1000;
const windowMs = envInt('BENCH_WINDOW_SECONDS', 2) * 1000;
const servers = (process.env.BENCH_SERVERS ?? SERVERS.join(',')).split(',') as ServerKind[];
/** The turn-based row: Connect Four rooms of two (0 skips it), each playing this many turns a second. */
const c4Rooms = envInt('BENCH_C4_ROOMS', 1000);
const c4TurnsPerSecond = Number(process.env.BENCH_C4_TURNS_PER_SECOND ?? 1);
/** One row alone (`arena`, `arena-rules` or `c4`); arena and c4 when unset. */
const only = process.env.BENCH_ONLY;
if (only !== undefined && only !== 'arena' && only !== 'arena-rules' && only !== 'c4')
  throw new Error(`BENCH_ONLY must be arena, arena-rules or c4, not ${only}`);
const arena = only !== 'c4';
/** Tickline's peer in the arena row: the zone engine, or the arena as a rules room. */
const tickline: PeerKind = only === 'arena-rules' ? 'rules' : 'tickline';
const peers: PeerKind[] = servers.map((k) => (k === 'tickline' ? tickline : k));
const secret = randomBytes(32).toString('hex');
process.env.BENCH_JOIN_SECRET = secret;

let serverCore: number | undefined = 0;
try {
  execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
} catch {
  serverCore = undefined;
  progress('taskset unavailable: running unpinned');
}

const joiners: Record<PeerKind, JoinPlayer> = {
  tickline: (ready, zone, recorder, random) =>
    joinTickline(String(ready.extra.ws), secret, zone, recorder, random),
  colyseus: (ready, zone, recorder, random, zoneSize) =>
    joinColyseus(ready.port, zone, recorder, random, zoneSize),
  // The server made one room per zone and named them in order.
  rules: (ready, zone, recorder, random) =>
    joinArenaRoom(
      String(ready.extra.ws),
      secret,
      (ready.extra.rooms as string[])[Number(zone.slice('zone-'.length))]!,
      recorder,
      random,
    ),
};
const scripts: Partial<Record<PeerKind, string>> = { rules: 'arena-rules-server.ts' };

const started = performance.now();
const zoned: PhaseResult[] = [];
const single: PhaseResult[] = [];
for (const kind of arena ? peers : []) {
  const script = scripts[kind];
  const common = { kind, join: joiners[kind], warmupMs, windowMs, serverCore, ...(script && { script }) };
  zoned.push(...(await runPhase({ ...common, steps: zoneSteps, zoneSize: RULES.zoneSize })));
  single.push(...(await runPhase({ ...common, steps: [oneZone], zoneSize: oneZone })));
}

const turnBased: C4PhaseResult[] = [];
for (const kind of c4Rooms > 0 && only !== 'arena' && only !== 'arena-rules' ? servers : []) {
  turnBased.push(
    await runC4Phase({
      kind,
      rooms: c4Rooms,
      movesPerRoomPerSecond: c4TurnsPerSecond,
      warmupMs,
      windowMs,
      serverCore,
      secret,
    }),
  );
}

const cpuUsPerMove = (r: PhaseResult) => r.cpuUs / Math.max(1, r.sent);
const sysUsPerMove = (r: PhaseResult) => r.sysUs / Math.max(1, r.sent);
/**
 * % of a core per 1,000 players at the full rate: CPU per move the generator delivered × 10 moves/s
 * × 1,000 players. A generator (or a starved server) that falls short does not make it look cheap.
 */
const cpuPer1k = (r: PhaseResult) => (cpuUsPerMove(r) * RULES.movesPerSecond * 1000) / 1e4;
const bytesPerClient = (r: PhaseResult) => r.bytesOut / r.players / (r.elapsedMs / 1000);
const loadgenLimited = (r: PhaseResult) => r.deliveredRatio < 0.95 || r.loadgenCpuShare > 0.9;
printTable(
  [...zoned, ...single].map((r) => ({
    server: r.kind,
    players: r.players,
    zone: r.zoneSize,
    'cpu %core': round(r.serverCpuShare * 100, 1),
    'cpu µs/move': round(cpuUsPerMove(r), 1),
    'kernel µs/move': round(sysUsPerMove(r), 1),
    'cpu/1k % (full rate)': round(cpuPer1k(r), 1),
    'tick p50 ms': round(r.tickP50Ms, 2),
    'tick p99 ms': round(r.tickP99Ms, 2),
    'interval p99 ms': round(r.intervalP99Ms, 1),
    'move→state p50 ms': round(r.latencyP50Ms, 1),
    'p99 ms': round(r.latencyP99Ms, 1),
    'KB/s/client out': round(bytesPerClient(r) / 1024, 2),
    'KB/client': round(r.rssPerPlayerKb, 1),
    'live KB/client': round(r.livePerPlayerKb, 1),
    'honest rejects': r.honestRejects,
    'hacks sent': r.hacks,
    'server rejects': r.rejected,
    delivered: round(r.deliveredRatio, 3),
    'loadgen %core': round(r.loadgenCpuShare * 100, 0),
  })),
);

if (turnBased.length > 0)
  printTable(
    turnBased.map((r) => ({
      server: r.kind,
      'connect four rooms': r.rooms,
      'turns/s/room': c4TurnsPerSecond,
      'cpu %core': round(r.serverCpuShare * 100, 1),
      'rooms per core': Math.round(r.roomsPerCore),
      'B/s/room out': Math.round(r.bytesPerRoomPerSecond),
      accepted: r.accepted,
      rejected: r.rejected,
      delivered: round(r.deliveredRatio, 3),
      'refused joins': r.refusedJoins,
      'loadgen %core': round(r.loadgenCpuShare * 100, 0),
    })),
  );

const pick = (rows: PhaseResult[], kind: PeerKind, players?: number) =>
  rows.find((r) => r.kind === kind && (players === undefined || r.players === players));
/**
 * Healthy N in zones of 100: the players whose full-rate CPU (from the largest step) would fill 65%
 * of the core, when every measured step kept tick p99 under 50 ms; else the largest step that did.
 */
function healthyN(kind: PeerKind): number {
  const rows = zoned.filter((r) => r.kind === kind);
  const top = rows.at(-1);
  if (!top) return NaN;
  const healthy = rows.filter((r) => r.tickP99Ms < HEALTHY_TICK_P99_MS);
  if (healthy.length < rows.length) return healthy.at(-1)?.players ?? 0;
  return Math.floor((HEALTHY_CPU_SHARE * 100 * 1000) / cpuPer1k(top));
}
const result: Record<string, unknown> = { elapsed_s: round((performance.now() - started) / 1000, 1) };
for (const kind of arena ? peers : []) {
  const rows = zoned.filter((r) => r.kind === kind);
  result[`${kind}_cpu_per_1k`] = round(rows.reduce((s, r) => s + cpuPer1k(r), 0) / rows.length, 2);
  for (const r of rows) result[`${kind}_cpu_per_1k_at_${r.players}`] = round(cpuPer1k(r), 2);
  for (const r of rows) result[`${kind}_cpu_us_per_move_at_${r.players}`] = round(cpuUsPerMove(r), 1);
  for (const r of rows) result[`${kind}_kernel_us_per_move_at_${r.players}`] = round(sysUsPerMove(r), 1);
  result[`${kind}_one_zone_p99_ms`] = round(pick(single, kind)?.tickP99Ms ?? NaN, 2);
  result[`${kind}_healthy_n`] = healthyN(kind);
  const top = rows.at(-1);
  if (top) {
    result[`${kind}_latency_p50_ms`] = round(top.latencyP50Ms, 1);
    result[`${kind}_latency_p99_ms`] = round(top.latencyP99Ms, 1);
    result[`${kind}_bytes_per_client_s`] = Math.round(bytesPerClient(top));
    result[`${kind}_kb_per_client`] = round(top.rssPerPlayerKb, 1);
    result[`${kind}_live_kb_per_client`] = round(top.livePerPlayerKb, 1);
  }
}
if (arena && servers.length === 2) {
  const t = (k: string) => result[`${tickline}_${k}`] as number;
  const c = (k: string) => result[`colyseus_${k}`] as number;
  result.cpu_ratio = round(t('cpu_per_1k') / c('cpu_per_1k'), 2);
  result.one_zone_p99_ratio = round(t('one_zone_p99_ms') / c('one_zone_p99_ms'), 2);
  result.healthy_n_ratio = round(t('healthy_n') / c('healthy_n'), 2);
  // The CPU ratio Tickline would reach if its own code cost nothing: its kernel time alone (socket
  // reads and writes, which on loopback include the peer's TCP receive) over Colyseus's total.
  const top = zoneSteps.at(-1);
  result.cpu_ratio_kernel_floor = round(
    t(`kernel_us_per_move_at_${top}`) / c(`cpu_us_per_move_at_${top}`),
    2,
  );
  // Bytes each client is sent per second, and resident memory per player (targets ≤ 0.7 and ≤ 1).
  result.bytes_per_client_ratio = round(t('bytes_per_client_s') / c('bytes_per_client_s'), 2);
  result.kb_per_client_ratio = round(t('kb_per_client') / c('kb_per_client'), 2);
  result.live_kb_per_client_ratio = round(t('live_kb_per_client') / c('live_kb_per_client'), 2);
}
// The turn-based row: Connect Four rooms per core, each side's own room API, side by side.
for (const r of turnBased) {
  result[`${r.kind}_c4_rooms_per_core`] = Math.round(r.roomsPerCore);
  result[`${r.kind}_c4_bytes_per_room_s`] = Math.round(r.bytesPerRoomPerSecond);
  result[`${r.kind}_c4_delivered`] = round(r.deliveredRatio, 3);
  result[`${r.kind}_c4_refused_joins`] = r.refusedJoins;
}
if (turnBased.length === 2)
  result.c4_rooms_per_core_ratio = round(
    (result.tickline_c4_rooms_per_core as number) / (result.colyseus_c4_rooms_per_core as number),
    2,
  );
if (turnBased.length > 0) result.c4_turns_per_room_s = c4TurnsPerSecond;
result.healthy_n_method = 'full-rate CPU per player at the largest zoned step, extrapolated to 65% of a core';
result.spawn = process.env.BENCH_SPAWN === 'spread' ? 'spread' : 'cluster';
result.loadgen_limited = [...zoned, ...single].some(loadgenLimited);
result.honest_rejects = [...zoned, ...single].reduce((s, r) => s + r.honestRejects, 0);
result.load_average = Number((await import('node:os')).loadavg()[0]!.toFixed(2));
printResult(result);
