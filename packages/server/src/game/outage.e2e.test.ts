/**
 * Gameplay never stops for a backend failure, with real processes: `tickline start` (role all) on
 * a nats-server event log, Redis and PostgreSQL, 200 bots playing over WebSocket (5 moves/s each:
 * 10/s with the server, the bots and three servers on two cores starves everything). NATS, Redis
 * and PostgreSQL are stopped in turn and started again once the server met the outage where play
 * could wait on it (at least 3 s; see OUTAGE_MIN_MS). During each outage acks keep
 * arriving and no bot is dropped; the tick p99 over the outage stays within budget; once the
 * dependency is back, every accepted move is in the log exactly once as `game.player.moved`
 * (counted per player against what the bots were acknowledged; no id twice). Admins watch the
 * zones on `admin:game`; a user is refused it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlayerMoved } from '@tickline/game';
import { createMetricsRegistry, decodeEvent, silentLogger } from '@tickline/kernel';
import {
  createDatabase,
  requireBinary,
  requirePostgresBinaries,
  requireRedisServer,
  startNatsServer,
  startPostgres,
  startRedis,
  until,
  startTicklineServer,
  TEST_CODE_KEYS_ENV,
  type NatsServerHandle,
  type PostgresServerHandle,
  type RedisServerHandle,
  type RunningServer,
} from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTicklineConfig } from '../config/load.ts';
import {
  initialAdminToken,
  openEventSource,
  signUpAndIn,
  streamTicket,
  type StreamClient,
} from '../testing/api-clients.ts';
import { LogKind, openEventLog } from '../wiring/event-logs.ts';
import { AdminGameChannel, type AdminGameFigures } from '@tickline/game';
import { startOutageFleet, type OutageFleet } from './testing/outage-fleet.ts';

const BOTS = 200;
const RATE_HZ = 5;
/**
 * An outage lasts at least this long, and until the server met it where play could wait on it (its
 * log says so: see the `met` of each test) and admins got two figures on `admin:game` during it.
 * Three seconds outlast the periods of what play leans on here (the 2 s session-version cache, the
 * 1 s hot and 2 s cold snapshots): a fixed 5 s proved no more, and a fixed time does not say the
 * outage was met at all.
 */
const OUTAGE_MIN_MS = 3_000;
/** The span just before an outage whose acks and tick times are its baseline. */
const BASELINE_MS = 3_000;
/** How long an outage may wait for the server to meet it before the test says it never did. */
const OUTAGE_MAX_MS = 60_000;
/** The seed's tick budget at 20 Hz. */
const TICK_BUDGET_MS = 50;
/**
 * What is asserted: the budget doubled (a 2-core machine running three servers, the bots and other
 * people's work: wall-clock tick time includes time descheduled), or one histogram bucket above
 * the p99 of the same span just before the outage when the machine was already slower than that.
 */
const TICK_P99_BOUND_MS = 2 * TICK_BUDGET_MS;
/** Bucket bounds grow by at most 2.5× (…, 25, 50, 100, 250 ms). */
const NEXT_BUCKET = 2.5;
/**
 * Acks per second during an outage, as a share of the acks per second before it. What it catches
 * is a stall — ticks waiting on the stopped dependency: seconds with 2 and 16 acks of ~400 when
 * session checks waited on the store. At load 15–22 a healthy second read 37 % of the second
 * before it (234 of 631, while `pg_ctl stop` and the reconnects shared the cores), and the Redis
 * row swung the other way (255 before, up to 752 during): a third leaves room for that noise and
 * none for a stall.
 */
const MIN_ACK_SHARE = 0.3;

const nats = requireBinary('nats-server', 'nats-server');
const redisBinary = requireRedisServer();
const postgresBinaries = requirePostgresBinaries();
const available = nats.available && redisBinary.available && postgresBinaries.available;
const reason =
  nats.reason ?? redisBinary.reason ?? postgresBinaries.reason ?? 'nats-server, redis and postgres found';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-outage-e2e-'));
let natsServer: NatsServerHandle | undefined;
let redis: RedisServerHandle | undefined;
let postgres: PostgresServerHandle | undefined;
let env: Record<string, string>;
let server: RunningServer | undefined;
let fleet: OutageFleet | undefined;
let feed: StreamClient | undefined;
let stopping = false;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  if (!available) return;
  [natsServer, redis, postgres] = await Promise.all([startNatsServer(), startRedis(), startPostgres()]);
  env = {
    TICKLINE_DATA_DIR: dataDir,
    TICKLINE_HTTP_PORT: '0',
    TICKLINE_HTTP_HOST: '127.0.0.1',
    TICKLINE_EVENTLOG_ENGINE: 'nats',
    TICKLINE_EVENTLOG_NATS_SERVERS: natsServer.url,
    TICKLINE_EVENTLOG_NATS_STREAM: `OUTAGE_${process.pid}`,
    TICKLINE_REDIS_URL: redis.url,
    TICKLINE_DATABASE_URL: await createDatabase(postgres.url, 'outage'),
    ...TEST_CODE_KEYS_ENV,
    TICKLINE_DATABASE_MIGRATE_ON_START: 'true',
    TICKLINE_MARKET_ENABLED: 'false',
    TICKLINE_HTTP_RATE_LIMIT_ENABLED: 'false',
    // Every bot connects from loopback: the per-address cap would refuse all but the first 32.
    TICKLINE_GAME_LIMITS_MAX_CONNECTIONS_PER_ADDRESS: '1000',
    TICKLINE_GAME_ZONES: 'east,west',
    TICKLINE_GAME_SPAWN: 'scatter',
    // Room for all in either zone: the coordinator's load figures lag the joins by up to a second.
    TICKLINE_GAME_MAX_PLAYERS_PER_ZONE: String(BOTS),
    // Cold snapshots every 2 s, so the PostgreSQL outage meets some.
    TICKLINE_GAME_SNAPSHOTS_COLD_INTERVAL_MS: '2000',
  };
  server = await startTicklineServer(env);
  const running = server;
  // A server that dies mid-test says why (its last log lines), instead of a bare ECONNREFUSED.
  void running.exited.then((code) => {
    if (stopping) return;
    const failures = running.logLines().filter((line) => line.level === 'error' || line.level === 'fatal');
    console.error(`tickline exited ${code}:`, JSON.stringify(failures.slice(0, 5), null, 1));
  });
  const url = server.url;
  // The admins' feed and the bots' sign-ups and joins are independent: side by side.
  await Promise.all([
    (async () => {
      const admin = await initialAdminToken(url, dataDir);
      feed = openEventSource(url, {
        channels: [AdminGameChannel.channel],
        types: [AdminGameChannel.type],
        ticket: await streamTicket(url, admin),
      });
    })(),
    (async () => {
      fleet = await startOutageFleet({ url, count: BOTS, rateHz: RATE_HZ, speedPerTick: 0.5 });
    })(),
  ]);
}, 240_000);

afterAll(async () => {
  stopping = true;
  fleet?.close();
  feed?.close();
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await Promise.allSettled([natsServer?.cleanup(), redis?.cleanup(), postgres?.cleanup()]);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Cumulative tick-duration bucket counts over all zones, from /metrics (le in seconds → count). */
async function tickBuckets(url: string): Promise<Map<number, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const buckets = new Map<number, number>();
  for (const match of text.matchAll(/^tickline_game_tick_duration_seconds_bucket\{([^}]*)\} (\d+)/gm)) {
    const raw = /le="([^"]+)"/.exec(match[1]!)![1];
    const le = raw === '+Inf' ? Infinity : Number(raw);
    buckets.set(le, (buckets.get(le) ?? 0) + Number(match[2]));
  }
  return buckets;
}

/** The upper bound (ms) of the bucket holding the p99 of the ticks between two readings. */
function p99Bound(before: Map<number, number>, after: Map<number, number>): { ms: number; ticks: number } {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  const bound = bounds.find((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0) >= 0.99 * total)!;
  return { ms: bound * 1000, ticks: total };
}

/** The log read so far: `game.player.moved` per player, and ids seen more than once. */
const logged = { next: 1, moves: new Map<string, number>(), ids: new Set<string>(), duplicates: 0 };

async function readNewMoves(): Promise<void> {
  const log = await openEventLog(loadTicklineConfig({ env }), LogKind.Main, {
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
    readOnly: true,
  });
  try {
    for (;;) {
      const batch = await log.read({ from: logged.next, limit: 1_000 });
      if (batch.length === 0) return;
      for (const record of batch) {
        logged.next = record.offset + 1;
        if (record.type !== PlayerMoved.type) continue;
        if (logged.ids.has(record.id)) logged.duplicates++;
        logged.ids.add(record.id);
        const subject = decodeEvent(record.payload).subject;
        logged.moves.set(subject, (logged.moves.get(subject) ?? 0) + 1);
      }
    }
  } finally {
    await log.close();
  }
}

/** A server log line: what an outage's `met` looks for. */
type LogLine = Record<string, unknown>;

/**
 * Plays through one outage of `name` and checks play, tick time and the log after it. The outage
 * ends once the server logged a line `met` accepts (it met the outage where play could wait on
 * it), OUTAGE_MIN_MS passed, and admins got two figures during it.
 */
async function outage(
  name: string,
  stop: () => Promise<void>,
  start: () => Promise<void>,
  met: (line: LogLine) => boolean,
) {
  const bots = fleet!;
  bots.resume();
  // Playing again: every bot's worth of moves acknowledged since the resume.
  const resumedAcks = bots.acks();
  await until(() => bots.acks() > resumedAcks + BOTS, {
    timeoutMs: 30_000,
    what: 'moves acknowledged again',
  });
  // The span before the outage: what this (shared, loaded) machine gives without one.
  const acksBefore = bots.acks();
  const ticksBaseline = await tickBuckets(server!.url);
  await sleep(BASELINE_MS);
  const baseline = (bots.acks() - acksBefore) / (BASELINE_MS / 1000);
  const ticksBefore = await tickBuckets(server!.url);
  const before = p99Bound(ticksBaseline, ticksBefore);
  const feedFrom = feed!.events.length;
  const linesFrom = server!.logLines().length;
  const metNow = () => server!.logLines().slice(linesFrom).some(met);
  /** What the server said since the stop (a stalled second is explained by what it waited on). */
  const said = () => {
    const counts = new Map<string, number>();
    for (const l of server!.logLines().slice(linesFrom)) {
      const key = `${String(l.level)}: ${String(l.msg)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].map(([line, n]) => `${n}× ${line}`).join('; ');
  };
  await stop();
  const stoppedAt = performance.now();
  /** Acks of each second of the outage. */
  const perSecond: number[] = [];
  try {
    while (perSecond.length * 1000 < OUTAGE_MIN_MS || !metNow() || feed!.events.length - feedFrom < 2) {
      if (performance.now() - stoppedAt > OUTAGE_MAX_MS)
        throw new Error(
          `${name} outage: after ${OUTAGE_MAX_MS} ms the server had not met it (met: ${metNow()}) or ` +
            `admin:game sent ${feed!.events.length - feedFrom} figures; the server logged ${said()}`,
        );
      const from = bots.acks();
      await sleep(1_000);
      perSecond.push(bots.acks() - from);
    }
  } catch (error) {
    // The next outage needs this dependency back.
    await start();
    throw error;
  }
  const ticks = p99Bound(ticksBefore, await tickBuckets(server!.url));
  const live = feed!.events.slice(feedFrom).map((e) => e.data as AdminGameFigures);
  const saidDuring = said();
  await start();
  const feedP99 = Math.max(...live.flatMap((d) => d.zones.map((z) => z.tickP99Ms)));
  console.log(
    `${name} outage: tick p99 ≤ ${ticks.ms} ms over ${ticks.ticks} ticks (≤ ${before.ms} ms before it; ` +
      `histogram buckets), ${feedP99} ms last-minute p99 on admin:game; ` +
      `acks/s before ${Math.round(baseline)}, during [${perSecond.join(', ')}]; the server logged ${saidDuring}`,
  );
  await bots.quiesce();
  expect(bots.records.filter((r) => r.closed !== undefined || r.resumed > 0)).toEqual([]);
  expect(Math.min(...perSecond)).toBeGreaterThan(baseline * MIN_ACK_SHARE);
  expect(ticks.ms).toBeLessThanOrEqual(Math.max(TICK_P99_BOUND_MS, before.ms * NEXT_BUCKET));
  expect(live.length).toBeGreaterThanOrEqual(2);
  // Every accepted move reaches the log once the dependency is back (the publisher retries).
  const accepted = bots.accepted();
  const total = [...accepted.values()].reduce((a, b) => a + b, 0);
  expect(total).toBeGreaterThan(logged.ids.size + baseline * perSecond.length);
  const deadline = Date.now() + 60_000;
  await readNewMoves();
  while (logged.ids.size < total && Date.now() < deadline) {
    await sleep(500);
    await readNewMoves();
  }
  expect(logged.duplicates).toBe(0);
  expect(Object.fromEntries(logged.moves)).toEqual(Object.fromEntries(accepted));
}

describe.skipIf(!available)(`game outages - tickline start with ${BOTS} bots (${reason})`, () => {
  it('outage - admins get admin:game live; a user is refused it', async () => {
    const latest = () => feed!.events.at(-1)?.data as AdminGameFigures | undefined;
    const ccu = () => latest()?.zones.reduce((sum, z) => sum + z.ccu, 0);
    await until(() => ccu() === BOTS, { timeoutMs: 10_000, what: `${BOTS} players on admin:game` });
    const data = latest()!;
    expect(data.zones.map((z) => z.zoneId).sort()).toEqual(['east', 'west']);
    expect(data.zones[0]).toMatchObject({ recovery: { source: expect.any(String) } });
    await until(() => feed!.events.at(-1)!.data.zones[0].commandsPerSecond > 0, {
      timeoutMs: 10_000,
      what: 'moves counted',
    });
    const metrics = await (await fetch(`${server!.url}/metrics`)).text();
    expect(metrics).toMatch(/^tickline_game_players\{zone="east"\} \d+/m);
    expect(metrics).toMatch(/^tickline_game_snapshot_age_seconds\{zone="east",kind="hot"\}/m);
    const user = await signUpAndIn(server!.url, 'outage-user@example.com');
    const refused = openEventSource(server!.url, {
      channels: [AdminGameChannel.channel],
      types: [AdminGameChannel.type],
      ticket: await streamTicket(server!.url, user.accessToken),
    });
    expect(await refused.refused).toBe(403);
    refused.close();
  });

  it('outage - NATS (the event log) stopped: play goes on, every move logged once after', async () => {
    await outage(
      'NATS',
      () => natsServer!.stop(),
      () => natsServer!.restart(),
      // The moves' appends failed and are buffered.
      (l) => l.msg === 'event log append failed; buffering and retrying',
    );
  });

  it('outage - Redis stopped: play goes on, every move logged once', async () => {
    await outage(
      'Redis',
      () => redis!.stop(),
      () => redis!.restart(),
      // The zone directory lost Redis: the zones' lease, which lets them tick, is renewed there.
      (l) => l.msg === 'redis error (the zone directory is frozen until it is back)',
    );
  });

  it('outage - PostgreSQL stopped: play goes on, every move logged once', async () => {
    await outage(
      'PostgreSQL',
      () => postgres!.stop(),
      () => postgres!.start(),
      // A zone's cold snapshot failed to store.
      (l) => l.msg === 'zone snapshot write failed' && l.store === 'sql',
    );
  });
});
