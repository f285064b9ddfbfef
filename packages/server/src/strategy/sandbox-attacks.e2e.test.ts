/**
 * The attack table of issue 24 against a real `tickline start` (embedded default) over HTTP: one
 * row per class of hostile code — a compile, a backtest, a live enable — since what a whole server
 * adds to the sandbox (its event loop, `/healthz`, its threads and CPU, its live processes shared
 * with other accounts, the HTTP answer of a refusal) is the same for every row of a class. For
 * every row:
 *
 * - the attacker's work ends with a code, within its limit;
 * - meanwhile a neighbour's backtest gives exactly the result it gave before any attack, and the
 *   neighbours' live runs (enabled before the table) keep deciding every candle;
 * - the server answers `/healthz` throughout (p99 under 50 ms) and its event-loop delay p99 (its
 *   own `/metrics`, reset by each scrape) stays under 20 ms;
 * - afterwards the server's threads and CPU are back to their baseline, and no sandbox process is
 *   left spinning or holding memory.
 *
 * On a machine busier than its cores (CI runs at load 10–20) the absolute latency bounds cannot
 * hold for any server: there the same bounds are taken relative to the same probes measured
 * without an attack just before each row (six times the quiet figure plus twenty sampling steps,
 * at least ten times the absolute bound).
 *
 * Every other row of the table runs at the sandbox process pool or the live processes directly
 * (182 s of CI for this file when it held them all, 500–650 s under load). Where each row is now:
 *
 * Rows as they were named here → where they run now ("int" is
 * `strategy/src/sandbox/sandbox-attacks.int.test.ts`, "live" is
 * `trading/src/live/live-processes.test.ts`, "bounds" is `strategy/src/http/strategy-bounds.test.ts`):
 *
 * - a thrown Proxy whose get trap loops (compile) → here (compile row); int, same name
 * - an Error whose name getter loops (compile) → here (compile row); int, same name
 * - strikes - moved to a process of its own, then refused (429) → here (compile row); int "strikes - …"
 * - a thrown value whose conversion never ends, at the first candle (backtest) → int, same name
 * - a deeply nested TypeScript source (compile) → int, same name
 * - an Intl object flood (backtest) → here (backtest row); int, same name
 * - the next candle through an index whose valueOf changes (backtest) → int, same name
 * - 2.4M plot points (backtest): the result stays small → bounds "plots - 2M plot points …"
 * - 40,000 declared parameters (compile) → bounds "parameters - 40,000 declared parameters …"
 * - four accounts compiling busy loops twice at once (compile) → int, same name
 * - parallel creates against the strategy quota → int "quota - ten parallel creates …"
 * - a thenable awaited at the top level (live table) → int "a thenable awaited at the top level …"
 * - a live busy loop with a long warm-up (live enable) → `trading/src/live/live-warmup-spin.int.test.ts`
 *   (the same code); live "warm-up: a strategy over its CPU budget per candle is refused …"
 * - import() in a live onCandle: its own run pauses → live "a promise left rejected (import()
 *   among them) stops its own run only …"
 * - a failing init() (live enable) → live "a strategy whose init throws is refused at enable …"
 * - a value thrown only on a later load (live table) → live "a module load never hands a thrown
 *   value to the host …"
 * - a spinning init() enabled 12 times in parallel (live table) → here (live row); live "a setup
 *   stopped at its limit is a strike …"; `trading/src/live-http/live-routes.int.test.ts` "one
 *   enable or resume of an account loads at a time …"
 * - the neighbour’s live run decided every candle meanwhile → here
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  until,
  embeddedTestEnv,
  GATE_OFF_ENV,
  startTicklineServer,
  type RunningServer,
} from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, signUpAndIn, type TestUser } from '../testing/api-clients.ts';

const NOOP = 'export default defineStrategy({ onCandle() {} });';
const EVERY_CANDLE = `export default defineStrategy({ onCandle(ctx) { ctx.buy({ qty: 0.001, reason: 'each candle' }); } });`;
/** The neighbour's backtest: a crossing strategy whose result is compared, figure by figure. */
const NEIGHBOUR = `export default defineStrategy({
  init: (ctx) => ({ fast: new ctx.ta.SmaStream(5), slow: new ctx.ta.SmaStream(20), prev: 0 }),
  onCandle(ctx) {
    const s = ctx.state;
    const d = s.fast.update(ctx.close.at(0)) - s.slow.update(ctx.close.at(0));
    if (s.prev <= 0 && d > 0) ctx.buy({ percent: 50, reason: 'up' });
    else if (s.prev >= 0 && d < 0 && ctx.position().qty > 0) ctx.closePosition(undefined, 'down');
    s.prev = d;
  },
});`;
/** A thrown Proxy whose `get` trap never returns: the host's conversion of it used to hang a thread. */
const LOOPING_PROXY = `throw new Proxy({}, { get() { for (;;) {} } });\n${NOOP}`;
/** An Error whose `name` getter never returns. */
const LOOPING_NAME = `class Hostile extends Error { get name() { for (;;) {} } }\nthrow new Hostile('boom');\n${NOOP}`;
/** Intl objects hold ~27 KB each outside the isolate's heap: the heap limit never sees them. */
const INTL_FLOOD = `const keep = [];
export default defineStrategy({ onCandle() {
  for (let i = 0; i < 2000; i++) keep.push(new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', dateStyle: 'full', timeStyle: 'long' }));
} });`;
/** init() spins: each enable held its live process for the 10 s setup wall, and none was a strike. */
const SPIN_INIT = 'export default defineStrategy({ init() { for (;;) {} }, onCandle() {} });';

/**
 * A hostile call must end by then even on a busy machine. Its budget is a few seconds of *CPU*, and
 * sandbox processes run at niceness 10 (docs/sandbox.md): beside `stress-ng --cpu 2` they get ~5 % of
 * a core, so a 5 s budget takes ~100 s of wall time, and a process killed for it restarts as slowly.
 * The full suite beside stress-ng once saw a hostile backtest still running at 90 s.
 */
const HOSTILE_DEADLINE_MS = 200_000;

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-attacks-'));
let server: RunningServer;
let neighbour: TestUser;
let backtestRange: { from: string; to: string };
let expected: Record<string, unknown>;
const baseline = {
  threads: 0,
  cpuPerSecond: 0,
  loopP99Ms: 0,
  healthP99Ms: 0,
  /** The same probes while the neighbour's backtest runs alone (no attack): its own cost. */
  neighbourLoopP99Ms: 0,
  neighbourHealthP99Ms: 0,
};
let attackers = 0;

const api = (user: TestUser | undefined, method: string, path: string, body?: unknown) =>
  callJson(server.url, method, `/api/v1${path}`, {
    ...(user === undefined ? {} : { bearer: user.accessToken }),
    ...(body === undefined ? {} : { body }),
  });

/** A fresh attacker: strikes from one row must not decide the next. */
const attacker = () => signUpAndIn(server.url, `attacker-${++attackers}@example.test`);

const pid = () => server.child.pid!;
const statusField = (p: number, field: string) =>
  Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${p}/status`, 'latin1'))?.[1] ?? 0);
const cpuTicks = (p: number) => {
  const stat = readFileSync(`/proc/${p}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
/** CPU seconds per second of process `p` over `ms`. */
async function cpuRate(p: number, ms = 2_000): Promise<number> {
  const before = cpuTicks(p);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (cpuTicks(p) - before) / 100 / (ms / 1000);
}
/** The server's sandbox processes. */
function sandboxChildren(): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid()) out.push(Number(entry));
    } catch {
      // Gone while reading.
    }
  }
  return out;
}

/** The server's event-loop delay p99 since the last scrape (prom-client resets it per scrape), ms. */
async function loopP99Ms(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^tickline_nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(text)?.[1] ?? NaN) * 1000;
}

/** Polls /healthz every 100 ms while `work` runs; every answer's time in ms. */
async function healthWhile<T>(work: Promise<T>): Promise<{ result: T; times: number[] }> {
  let done = false;
  const times: number[] = [];
  const poller = (async () => {
    while (!done) {
      const started = performance.now();
      const response = await fetch(`${server.url}/healthz`);
      expect(response.status).toBe(200);
      times.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    return { result: await work, times };
  } finally {
    done = true;
    await poller;
  }
}

const p99 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(xs.length * 0.99) - 1)] ?? 0;
/**
 * Busier than its cores, the server waits for a core whatever it runs: the bounds become relative
 * to this run's quiet probes (see the module comment), and never tighter than ten times the quiet
 * machine's bound, since a burst of other work starves any process for a few hundred ms (seen:
 * 369 ms for /healthz beside a test run, 16 ms just before; 825 ms at a quiet 128.5 ms, at load 14:
 * six times the quiet figure). That is still far below what one
 * frozen event loop gave: seconds (11.6 s for one live enable, 2 s per busy onCandle).
 */
// Half the cores: the test runner's other files share the machine in CI, and a one-minute average
// near the core count already left this file's server waiting for a core (seen: 52.8 ms at 5.9 quiet).
const loaded = () => loadavg()[0]! > availableParallelism() / 2;
/**
 * On a quiet machine the absolute bound, unless what runs without any attack is already near it:
 * the embedded default runs PGlite (WebAssembly PostgreSQL) on the server's thread, so storing the
 * neighbour's own backtest is loop delay too (seen: /healthz 60–104 ms in rows whose quiet probe
 * read 3 ms; loop delay 29.5 ms against 12.7). "Quiet" is therefore the worse of the row's idle
 * probe and the neighbour's backtest measured alone; the bound is twice that plus two steps.
 */
const bound = (absolute: number, quiet: number, step: number) =>
  loaded() ? Math.max(10 * absolute, 6 * quiet + 20 * step) : Math.max(absolute, 2 * quiet + 2 * step);

async function createStrategy(user: TestUser, source: string) {
  return api(user, 'POST', '/strategies', { name: `s-${Date.now()}-${Math.random()}`, source });
}

/** The neighbour's saved strategy (the free tier keeps three: it is saved once). */
let neighbourStrategy: string | undefined;

async function backtest(user: TestUser, source: string, range = backtestRange) {
  let strategyId = user === neighbour ? neighbourStrategy : undefined;
  if (strategyId === undefined) {
    const created = await createStrategy(user, source);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    strategyId = created.body.strategy.id as string;
    if (user === neighbour) neighbourStrategy = strategyId;
  }
  const queued = await api(user, 'POST', '/backtests', {
    strategyId,
    symbol: 'BTC-USDT',
    interval: '1s',
    ...range,
  });
  expect(queued.status, JSON.stringify(queued.body)).toBe(202);
  const id = queued.body.backtest?.id ?? queued.body.id;
  let last: Record<string, any> = {};
  await until(
    async () => {
      const read = await api(user, 'GET', `/backtests/${id}`);
      last = read.body.backtest ?? read.body;
      return last.status === 'succeeded' || last.status === 'failed';
    },
    { timeoutMs: HOSTILE_DEADLINE_MS, intervalMs: 250, what: `backtest ${id} ended` },
  );
  return last;
}

/** What must not change between two runs of the neighbour's backtest on the same candles. */
const figures = (b: Record<string, any>) => ({ status: b.status, metrics: b.metrics ?? b.result?.metrics });

/**
 * The neighbours' live runs on 1 s candles, on both live processes, enabled before the table: their
 * lag is the live rows' measure, and at the end each must have decided every candle of its span.
 * `enabledAt`: when its enable answered (every candle closing later is its to decide).
 */
const liveNeighbours: Array<{ user: TestUser; id: string; enabledAt: number }> = [];

/** The server's live processes (not the quarantine) and how many runs each holds. */
const liveProcesses = async () =>
  (
    (await (await fetch(`${server.url}/readyz`)).json()).services['strategy-live-sandbox'].info
      .processes as Array<{
      quarantine: boolean;
      runs: number;
    }>
  ).filter((p) => !p.quarantine);

beforeAll(async () => {
  // The simulator writes the hour before its live feed as candles at start (market.sources'
  // historyMinutes): ten minutes of it, ending before the start, are the backtests' fixed range —
  // all stored before the server answers, so every run of the neighbour's backtest reads the same
  // candles (a range ending at the live edge could gain a candle the projection was still writing).
  const startedAt = Date.now();
  // The neighbour backtests once per row: the free tier's ten a day would not last the table.
  server = await startTicklineServer({
    ...embeddedTestEnv(dataDir),
    // The live rows are about the sandbox, not the promotion gate: no research before them.
    ...GATE_OFF_ENV,
    TICKLINE_AUTH_TIERS_FREE_BACKTESTS_PER_DAY: '100',
  });
  neighbour = await signUpAndIn(server.url, 'neighbour@example.test');
  // The live runs start first and decide every 1 s candle from now on, through every row: the
  // neighbour's own, then others until both live processes hold runs (a tenant's process is a hash
  // of its id). On 1 s candles their progress shows in seconds: a 1 m run's first candle was
  // up to a minute away (~20 s of this file's 37 s in CI).
  for (
    let i = 0;
    i < 12 && (liveNeighbours.length < 5 || (await liveProcesses()).some((p) => p.runs === 0));
    i++
  ) {
    const user = i === 0 ? neighbour : await signUpAndIn(server.url, `live-neighbour-${i}@example.test`);
    const live = await enableLive(user, EVERY_CANDLE, 0);
    expect(live.status, JSON.stringify(live.body)).toBe(201);
    liveNeighbours.push({ user, id: live.body.run.id as string, enabledAt: Date.now() });
  }
  expect((await liveProcesses()).every((p) => p.runs > 0)).toBe(true);
  const to = startedAt - 1_000;
  backtestRange = { from: new Date(to - 10 * 60_000).toISOString(), to: new Date(to).toISOString() };
  const stored = await api(
    undefined,
    'GET',
    `/markets/BTC-USDT/candles?interval=1s&from=${to - 10 * 60_000}&to=${to}&limit=1000`,
  );
  expect(stored.body.candles?.length, 'candles of the simulator past in the backtest range').toBeGreaterThan(
    500,
  );
  await loopP99Ms();
  const alone = await healthWhile(backtest(neighbour, NEIGHBOUR));
  baseline.neighbourHealthP99Ms = p99(alone.times);
  baseline.neighbourLoopP99Ms = await loopP99Ms();
  expected = figures(alone.result);
  expect(expected.status).toBe('succeeded');

  // Quiet probes: the same measures with no attack running.
  await loopP99Ms();
  const quiet = await healthWhile(new Promise((resolve) => setTimeout(resolve, 3_000)));
  baseline.healthP99Ms = p99(quiet.times);
  baseline.loopP99Ms = await loopP99Ms();
  baseline.threads = statusField(pid(), 'Threads');
  baseline.cpuPerSecond = await cpuRate(pid());
}, 300_000);

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

interface Row {
  name: string;
  /** Runs the attack and checks how it ended. */
  attack(): Promise<void>;
}

const compile = (user: TestUser, source: string) => api(user, 'POST', '/strategies/compile', { source });

/**
 * What stops code that spins: its CPU limit — or, on a machine so busy that the niced sandbox
 * process gets a few percent of a core (seen under the full suite beside two busy loops: 65 s for
 * one compile), the wall deadline, which the CPU limit then never reaches. Both are limits from
 * outside; both count as a strike.
 */
const SPIN_STOPPED = ['STRATEGY_CPU_LIMIT', 'SANDBOX_TIMEOUT'];

/**
 * A sign-up's paper portfolio opens from its event a moment later (seconds at load): an enable
 * before it is refused (STRATEGY_PORTFOLIO_NOT_FOUND).
 */
const portfolioOpened = (user: TestUser) =>
  until(async () => (await api(user, 'GET', `/portfolios/${user.userId}`)).status === 200, {
    timeoutMs: 60_000,
    intervalMs: 200,
    what: `the portfolio of ${user.email} opened`,
  });

const enableLive = async (user: TestUser, source: string, warmupBars: number) => {
  await portfolioOpened(user);
  const created = await createStrategy(user, source);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return api(user, 'POST', '/live-strategies', {
    strategyId: created.body.strategy.id,
    version: 1,
    portfolioId: user.userId,
    feeds: [{ symbol: 'BTC-USDT', interval: '1s' }],
    warmupBars,
  });
};

const ROWS: Row[] = [
  {
    // The compile class: a thrown value whose reads loop (the host's conversion of it used to hang
    // a thread), then an Error whose name getter loops, then the first again — three strikes.
    name: 'spinning compiles (a thrown Proxy, an Error whose name loops): moved to a process of its own, then refused (429)',
    async attack() {
      const user = await attacker();
      const first = await compile(user, LOOPING_PROXY);
      expect(first.status).toBe(422);
      expect(SPIN_STOPPED).toContain(first.body.error.code);
      // Its next work runs in the quarantine process, not in the pools everyone shares.
      const ready = await (await fetch(`${server.url}/readyz`)).json();
      expect(ready.services['strategy-sandbox'].info.quarantine).toMatchObject({
        size: 1,
        accounts: expect.any(Number),
      });
      expect((await compile(user, NOOP)).status).toBe(200);
      for (const source of [LOOPING_NAME, LOOPING_PROXY]) {
        const spun = await compile(user, source);
        expect(spun.status).toBe(422);
        expect(SPIN_STOPPED).toContain(spun.body.error.code);
      }
      const refused = await compile(user, NOOP);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('SANDBOX_SUSPENDED');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await compile(neighbour, NOOP)).status).toBe(200);
    },
  },
  {
    // The backtest class: memory outside the isolate's heap, which only the process's bound sees.
    name: 'an Intl object flood (backtest)',
    async attack() {
      const run = await backtest(await attacker(), INTL_FLOOD);
      expect(run.status).toBe('failed');
      // Memory is the limit it meets on a quiet machine; on a busy one each object costs more CPU
      // time (cold caches) and the CPU limit can come first. Either ends it within the tier.
      expect(['STRATEGY_MEMORY_LIMIT', 'STRATEGY_CPU_LIMIT']).toContain(run.error?.code);
    },
  },
];

describe('sandbox attacks - each ends within its limit; the server and the neighbour are unaffected', () => {
  it.each(ROWS.map((row) => [row.name, row] as const))(
    '%s',
    async (_, row) => {
      // This row's quiet probes, at the machine's load right now.
      await loopP99Ms();
      const quietHealth = p99(
        (await healthWhile(new Promise((resolve) => setTimeout(resolve, 2_000)))).times,
      );
      const quietLoop = await loopP99Ms();
      const { times } = await healthWhile(
        Promise.all([
          row.attack(),
          backtest(neighbour, NEIGHBOUR).then((b) => expect(figures(b)).toEqual(expected)),
        ]),
      );
      const loop = await loopP99Ms();
      expect(p99(times), `/healthz p99 (quiet ${quietHealth.toFixed(1)} ms)`).toBeLessThan(
        bound(50, Math.max(quietHealth, baseline.healthP99Ms, baseline.neighbourHealthP99Ms), 10),
      );
      expect(loop, `event-loop delay p99 (quiet ${quietLoop.toFixed(1)} ms)`).toBeLessThan(
        bound(20, Math.max(quietLoop, baseline.loopP99Ms, baseline.neighbourLoopP99Ms), 10),
      );
      // Afterwards: the server is as it was, and no sandbox process is left working or swollen.
      await until(() => statusField(pid(), 'Threads') <= baseline.threads + 2, {
        timeoutMs: 30_000,
        what: `threads back to ${baseline.threads}`,
      });
      await until(async () => (await cpuRate(pid())) <= baseline.cpuPerSecond * 1.5 + 0.1, {
        timeoutMs: 60_000,
        intervalMs: 0,
        what: `server CPU back to ${baseline.cpuPerSecond.toFixed(2)}/s`,
      });
      await until(
        async () => {
          const children = sandboxChildren();
          const rates = await Promise.all(children.map((c) => cpuRate(c, 1_000).catch(() => 0)));
          return rates.every((r) => r < 0.2) && children.every((c) => statusField(c, 'VmRSS') < 600 * 1024);
        },
        { timeoutMs: 60_000, intervalMs: 0, what: 'sandbox processes idle and small' },
      );
    },
    // The hostile deadline (three spinning compiles in the compile row), then the settling checks.
    3 * HOSTILE_DEADLINE_MS + 150_000,
  );
});

/**
 * The live class (issue 45): a free account's live enables must never stop other accounts' live
 * runs. The measure is the lag of the neighbours' live runs (1 s candles, on both live processes)
 * through the row.
 */
describe('live attacks - refused with its code while the neighbours’ live runs keep deciding', () => {
  /** The worst lag of a neighbour run seen with no attack: the machine's own. */
  let quietLagMs = 0;

  /** Each neighbour run's lag now: ms since the close of the last candle it decided. */
  const lags = async (): Promise<number[]> =>
    Promise.all(
      liveNeighbours.map(async ({ user, id }) => {
        const run = (await api(user, 'GET', `/live-strategies/${encodeURIComponent(id)}`)).body.run;
        expect(run).toMatchObject({ state: 'running', errors: 0 });
        return Date.now() - (run.lastCandleTime as number);
      }),
    );

  /** Runs `work` while reading the neighbours' lags every 250 ms; the worst lag seen. */
  async function worstLagWhile(work: Promise<unknown>): Promise<number> {
    let done = false;
    let worst = 0;
    const poller = (async () => {
      while (!done) {
        worst = Math.max(worst, ...(await lags()));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    try {
      await work;
    } finally {
      done = true;
      await poller;
    }
    return Math.max(worst, ...(await lags()));
  }

  beforeAll(async () => {
    await until(async () => (await lags()).every((lag) => lag < 60_000), {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'every neighbour decided a candle',
    });
    quietLagMs = await worstLagWhile(new Promise((resolve) => setTimeout(resolve, 3_000)));
  }, 120_000);

  it(
    'a spinning init() enabled 12 times in parallel: one loads and is refused, the rest at once',
    async () => {
      const user = await attacker();
      await portfolioOpened(user);
      const created = await createStrategy(user, SPIN_INIT);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const enabling = Promise.all(
        Array.from({ length: 12 }, () =>
          api(user, 'POST', '/live-strategies', {
            strategyId: created.body.strategy.id,
            version: 1,
            portfolioId: user.userId,
            feeds: [{ symbol: 'BTC-USDT', interval: '1s' }],
            warmupBars: 0,
          }),
        ),
      );
      const worst = await worstLagWhile(enabling);
      const answers = await enabling;
      const codes = answers.map((a) => a.body.error?.code as string);
      // One at a time per account: the others come back at once with Retry-After. One that came
      // after a refusal loads again (a strike each), until the rate or the strikes refuse it.
      expect(codes.some((c) => SPIN_STOPPED.includes(c))).toBe(true);
      for (const code of codes)
        expect([
          ...SPIN_STOPPED,
          'STRATEGY_LIVE_ENABLE_BUSY',
          'STRATEGY_LIVE_ENABLE_RATE',
          'SANDBOX_SUSPENDED',
        ]).toContain(code);
      const busy = answers.find((a) => a.body.error?.code === 'STRATEGY_LIVE_ENABLE_BUSY');
      expect(busy?.status).toBe(429);
      expect(Number(busy?.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await api(user, 'GET', '/live-strategies')).body.runs).toEqual([]);
      expect(worst, `worst neighbour lag (quiet ${quietLagMs} ms)`).toBeLessThan(
        bound(3_000, quietLagMs, 250),
      );
    },
    HOSTILE_DEADLINE_MS,
  );

  it('the neighbours’ live runs decided every candle that closed meanwhile', async () => {
    const runs = await Promise.all(
      liveNeighbours.map(async ({ user, id, enabledAt }) => ({
        enabledAt,
        run: (await api(user, 'GET', `/live-strategies/${encodeURIComponent(id)}`)).body.run,
      })),
    );
    // The candles the market closed over their spans, as stored: a 1 s feed has no candle for a
    // second without a trade, so elapsed seconds would not count them.
    const from = Math.min(...runs.map((r) => r.enabledAt)) - 1_000;
    const to = Math.max(...runs.map((r) => (r.run.lastCandleTime as number | undefined) ?? 0)) + 1;
    const stored = await api(
      undefined,
      'GET',
      `/markets/BTC-USDT/candles?interval=1s&from=${from}&to=${to}&limit=5000`,
    );
    expect(stored.status, JSON.stringify(stored.body)).toBe(200);
    const closes = new Set<number>(
      (stored.body.candles as Array<{ closed: boolean; closeTime: number }>)
        .filter((c) => c.closed)
        .map((c) => c.closeTime),
    );
    for (const { enabledAt, run } of runs) {
      expect(run, run.id).toMatchObject({ state: 'running', errors: 0 });
      // Every candle closed after its enable answered, up to the one it may be deciding now (its
      // last claimed); those closed during the enable it may have decided too.
      const due = [...closes].filter((t) => t > enabledAt && t < run.lastCandleTime).length;
      expect(due, `${run.id}: candles closed in its span`).toBeGreaterThan(0);
      expect(run.candles, `${run.id}: candles decided of ${due} closed`).toBeGreaterThanOrEqual(due);
      // A signal per decided candle; the last one's may be between its answer and its order.
      expect(run.signals, run.id).toBeLessThanOrEqual(run.candles);
      expect(run.signals, run.id).toBeGreaterThanOrEqual(run.candles - 1);
    }
  });
});
