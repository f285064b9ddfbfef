/**
 * Live runs through a real `tickline start` over HTTP, on NATS and PostgreSQL, with candles the test
 * publishes (no collector): a paused run decides nothing until it is resumed, and the candle after
 * the resume brings its signal; and a `kill -9` of the process between two candles of a run that
 * holds a position, then a restart: the resumed run's decisions equal those of an uninterrupted
 * run — its backtest replay over the same candles, compared order by order by the parity report,
 * percent-sized quantities included — with no candle decided twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNatsEventLog, type NatsEventLog } from '@tickline/eventlog';
import { createPostgresSql, type Sql } from '@tickline/store';
import { createDatabase, startNatsServer, startPostgres, until, runTickline, startTicklineServer, GATE_OFF_ENV, TEST_CODE_KEYS_ENV, type NatsServerHandle, type PostgresServerHandle, type RunningServer } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, signUpAndIn, type TestUser } from '../testing/api-clients.ts';
import { closedCandle, publishCandles, storeCandles } from '../testing/cluster-candles.ts';
import { decidedCandles } from '../testing/strategy-orders.ts';
import { portfolioOpened } from '../testing/portfolio-clients.ts';
import { scaledClusterDependencies } from '../testing/scaled-cluster.ts';
import { subjectPrefixFor } from '../wiring/event-logs.ts';

const existingPg = process.env.TICKLINE_TEST_DATABASE_URL;
const { available, reason } = scaledClusterDependencies();

const SYMBOL = 'BTC-USDT';
const MINUTE = 60_000;
const WARMUP = 10;
/**
 * Holds what it bought until the next candle, then sells it: every decision reads the position.
 * Its buys are percent-sized, so each one's quantity depends on the run's equity when it decided:
 * the size a restart got wrong (issue 45: 5.8 % smaller after the restart than the replay's).
 */
const ALTERNATE = `export default defineStrategy({
  onCandle(ctx) {
    const held = ctx.position().qty;
    if (held > 0) ctx.sell({ qty: held, reason: 'sell at ' + ctx.close.at(0) });
    else ctx.buy({ percent: 20, reason: 'buy at ' + ctx.close.at(0) });
  },
});`;
/** Waits on the process: generous, because CI runs this beside other suites at load 10–20. */
const eventually = (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 90_000) =>
  until(check, { what, timeoutMs, intervalMs: 100 });

/**
 * A restart on a busy machine: the server boots on PostgreSQL and NATS, then its live processes
 * start at niceness 10 — beside stress-ng at load 14 that took over 90 s before the run was back.
 */
const RESTART_MS = 200_000;

const dirs: string[] = [];
let natsServer: NatsServerHandle | undefined;
let postgres: PostgresServerHandle | undefined;
let databaseUrl: string;
let sql: Sql | undefined;
let log: NatsEventLog | undefined;
let env: Record<string, string>;
let server: RunningServer | undefined;
/** The first live candle closes after the runs were enabled; candle i closes a minute after i−1. */
let firstClose = 0;
let published = 0;

beforeAll(async () => {
  if (!available) return;
  natsServer = await startNatsServer();
  const base = existingPg ?? (postgres = await startPostgres()).url;
  databaseUrl = await createDatabase(base, 'live_restart');
  const stream = `RESTART_${process.pid}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-live-restart-'));
  dirs.push(dataDir);
  env = {
    TICKLINE_ROLE: 'all',
    TICKLINE_DATA_DIR: dataDir,
    TICKLINE_HTTP_PORT: '0',
    TICKLINE_HTTP_HOST: '127.0.0.1',
    TICKLINE_DATABASE_URL: databaseUrl,
    ...TEST_CODE_KEYS_ENV,
    // About restarts, not the promotion gate: the run is enabled without research.
    ...GATE_OFF_ENV,
    TICKLINE_EVENTLOG_ENGINE: 'nats',
    TICKLINE_EVENTLOG_NATS_SERVERS: natsServer.url,
    TICKLINE_EVENTLOG_NATS_STREAM: stream,
    // The candles are the test's: no simulator beside them.
    TICKLINE_MARKET_SOURCES: '[]',
    TICKLINE_AUTH_TIERS_FREE_REQUESTS_PER_MINUTE: '6000',
    // A stable member name: the restarted process is the same runner, as a restarted pod is.
    TICKLINE_TRADING_LIVE_MEMBER: 'restart-e2e',
    TICKLINE_TRADING_LIVE_HEARTBEAT_MS: '300',
    TICKLINE_TRADING_LIVE_MEMBER_TTL_MS: '2500',
    TICKLINE_TRADING_LIVE_SYNC_MS: '300',
    TICKLINE_TRADING_LIVE_RISK_MAX_ORDERS_PER_MINUTE: '0',
  };
  const migrated = await runTickline(['migrate', 'up'], env);
  expect(migrated.code, migrated.stderr).toBe(0);
  sql = await createPostgresSql({ url: databaseUrl });
  log = await createNatsEventLog({
    servers: natsServer.url,
    stream,
    subjectPrefix: subjectPrefixFor(stream),
  });
  // Warm-up history: candles closed before the runs are enabled.
  const warmupFrom = Math.floor(Date.now() / MINUTE) * MINUTE - (WARMUP + 5) * MINUTE;
  await storeCandles(
    databaseUrl,
    Array.from({ length: WARMUP }, (_, i) =>
      closedCandle(SYMBOL, warmupFrom + (i + 1) * MINUTE, price(i - WARMUP)),
    ),
  );
  server = await startTicklineServer(env);
}, 180_000);

afterAll(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await log?.close();
  await sql?.close();
  await postgres?.cleanup();
  await natsServer?.cleanup();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The close of candle i: a slow wave around 100. */
function price(i: number): number {
  return 100 + 3 * Math.sin(i / 2);
}

/** Close time of live candle i. */
const closeOf = (i: number) => firstClose + i * MINUTE;

/** Stores and publishes the next live candle, as a collector does; returns its close time. */
async function publishNext(): Promise<number> {
  const candle = closedCandle(SYMBOL, closeOf(published), price(published));
  published++;
  await storeCandles(databaseUrl, [candle]);
  await publishCandles(log!, [candle]);
  return candle.closeTime;
}

async function api(user: TestUser, method: string, path: string, body?: unknown) {
  return callJson(server!.url, method, `/api/v1${path}`, {
    bearer: user.accessToken,
    ...(body === undefined ? {} : { body }),
  });
}

async function run(user: TestUser, id: string) {
  const answer = await api(user, 'GET', `/live-strategies/${encodeURIComponent(id)}`);
  return answer.body.run as {
    state: string;
    lastCandleTime?: number;
    lastSignals: Array<{ candleCloseTime: number; side: string }>;
  };
}

/** Signs a user up, waits for the portfolio, stores the strategy and runs it live; returns the run id. */
async function liveRun(email: string): Promise<[TestUser, string]> {
  const user = await signUpAndIn(server!.url, email);
  await portfolioOpened(server!.url, user.accessToken, user.userId);
  const created = await api(user, 'POST', '/strategies', {
    name: 'alternate',
    source: ALTERNATE,
    language: 'javascript',
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const enabled = await api(user, 'POST', '/live-strategies', {
    strategyId: created.body.strategy.id,
    version: 1,
    portfolioId: user.userId,
    feeds: [{ symbol: SYMBOL, interval: '1m' }],
    warmupBars: WARMUP,
  });
  expect(enabled.status, JSON.stringify(enabled.body)).toBe(201);
  return [user, enabled.body.run.id as string];
}

describe.skipIf(!available)(`live runs through tickline start on NATS and PostgreSQL (${reason})`, () => {
  let ada: TestUser;
  let paused: string;
  let bob: TestUser;
  let restarted: string;

  it('pause → resume: nothing is decided while paused, and the next candle brings the signal', async () => {
    [ada, paused] = await liveRun('ada-restart@example.test');
    [bob, restarted] = await liveRun('bob-restart@example.test');
    firstClose = Math.ceil(Date.now() / MINUTE) * MINUTE + MINUTE;
    const first = await publishNext();
    await eventually(
      async () => (await run(ada, paused)).lastCandleTime === first,
      'the first candle decided',
    );
    expect((await api(ada, 'POST', `/live-strategies/${encodeURIComponent(paused)}/pause`)).status).toBe(200);
    expect((await run(ada, paused)).state).toBe('paused');
    // A candle while paused: the other run decides it, this one does not.
    const whilePaused = await publishNext();
    await eventually(
      async () => (await run(bob, restarted)).lastCandleTime === whilePaused,
      'the other run decided',
    );
    const still = await run(ada, paused);
    expect(still.lastCandleTime).toBe(first);
    expect(still.lastSignals.some((s) => s.candleCloseTime === whilePaused)).toBe(false);
    // Resumed, the next candle's signal arrives.
    const resumed = await api(ada, 'POST', `/live-strategies/${encodeURIComponent(paused)}/resume`);
    expect([resumed.status, resumed.body.run.state]).toEqual([200, 'running']);
    const next = await publishNext();
    await eventually(
      async () => (await run(ada, paused)).lastSignals.some((s) => s.candleCloseTime === next),
      'the signal of the candle after the resume',
    ).catch(async (error: unknown) => {
      // Say what the run was doing (paused again, and why; its last candle).
      throw new Error(`${String(error)}; the run: ${JSON.stringify(await run(ada, paused))}`);
    });
  }, 300_000);

  it(
    'kill -9 between two candles of a run holding a position: the resumed run decides as an uninterrupted one',
    async () => {
      const strategyId = restarted.split(':')[1]!;
      const btc = async () =>
        (
          (await api(bob, 'GET', `/portfolios/${bob.userId}`)).body.positions as Array<{
            symbol: string;
            quantity: number;
          }>
        ).find((p) => p.symbol === SYMBOL)?.quantity ?? 0;
      // Candles until the run holds a position once it decided the latest one.
      let last = closeOf(published - 1);
      for (;;) {
        last = await publishNext();
        await eventually(
          async () => (await run(bob, restarted)).lastCandleTime === last,
          'the run decided the candle',
        );
        if ((await btc()) > 0) break;
      }
      // Between two candles: the last one's order stored, not only claimed (the run's last candle
      // time is set at the claim). Killed between the two, nothing was left to take over and the
      // run decided the candle again on restart — right, but not the case this test is about.
      await eventually(
        async () => (await decidedCandles(sql!, strategyId)).at(-1) === last,
        "the last candle's order stored before the kill",
      );
      const before = await decidedCandles(sql!, strategyId);
      server!.child.kill('SIGKILL');
      await server!.exited;
      server = await startTicklineServer(env);
      // The run is back on the restarted process, its working order taken over, before the next candle.
      await eventually(
        () => server!.logLines().some((l) => l.msg === 'live strategy runs here' && l.run === restarted),
        'the run resumed on the restarted process',
        RESTART_MS,
      );
      await eventually(
        () => server!.logLines().some((l) => l.msg === 'paper orders taken over' && Number(l.adopted) > 0),
        'the working order taken over',
      );
      for (let k = 0; k < 4; k++) {
        last = await publishNext();
        await eventually(
          async () => (await run(bob, restarted)).lastCandleTime === last,
          'the run decided the candle',
        );
      }
      // The run's last candle time is set when it claims a candle, before its order is stored.
      await eventually(
        async () => (await decidedCandles(sql!, strategyId)).at(-1) === last,
        "the last candle's order stored",
      );
      // No candle decided twice, none skipped: one order per candle from the first to the last.
      const after = await decidedCandles(sql!, strategyId);
      expect(after.slice(0, before.length)).toEqual(before);
      const expected = after.map((_, k) => after[0]! + k * MINUTE);
      expect(after).toEqual(expected);
      expect(after.at(-1)).toBe(last);
      // Its decisions are those of an uninterrupted run over the same candles, order by order.
      const parity = await api(bob, 'GET', `/live-strategies/${encodeURIComponent(restarted)}/parity`);
      expect(parity.status, JSON.stringify(parity.body)).toBe(200);
      expect(parity.body.parity, JSON.stringify(parity.body.parity)).toMatchObject({
        identical: true,
        liveDecisions: after.length,
        replayDecisions: after.length,
      });
    },
    300_000 + RESTART_MS,
  );
});
