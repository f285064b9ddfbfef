/**
 * The attack table of issue 24, against a real `tickline start` (embedded default) over HTTP. Each
 * row is one thing a hostile free user did to the server before user code moved into sandbox
 * processes. For every row:
 *
 * - the attacker's run ends with a code, within its limit;
 * - meanwhile a neighbour's backtest gives exactly the result it gave before any attack, and the
 *   neighbour's live run (enabled once, before the table) keeps deciding every candle;
 * - the server answers `/healthz` throughout (p99 under 50 ms) and its event-loop delay p99 (its
 *   own `/metrics`, reset by each scrape) stays under 20 ms;
 * - afterwards the server's threads and CPU are back to their baseline, and no sandbox process is
 *   left spinning or holding memory.
 *
 * On a machine busier than its cores (CI runs at load 10–20) the absolute latency bounds cannot
 * hold for any server: there the same bounds are taken relative to the same probes measured
 * without an attack just before each row (six times the quiet figure plus twenty sampling steps,
 * at least ten times the absolute bound).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { until, embeddedTestEnv, GATE_OFF_ENV, startTicklineServer, type RunningServer } from '@tickline/testing';
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
/** ~120 KB of nested brackets: trapped Node's shared stripper, failing every later compile. */
const NESTED = `const a = ${'['.repeat(60_000)}${']'.repeat(60_000)};\n${NOOP}`;
/** Compiles (onCandle does not run at load), then hangs the backtest at its first candle. */
const HANGS_IN_RUN =
  'export default defineStrategy({ onCandle() { throw new Proxy({}, { get() { for (;;) {} } }); } });';
/** Intl objects hold ~27 KB each outside the isolate's heap: the heap limit never sees them. */
const INTL_FLOOD = `const keep = [];
export default defineStrategy({ onCandle() {
  for (let i = 0; i < 2000; i++) keep.push(new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', dateStyle: 'full', timeStyle: 'long' }));
} });`;
/**
 * The next bar's close through an index whose `valueOf` answered 0 to the range check and -1 to
 * the read: it fails its run when the peek yields another bar's close.
 */
const PEEK_NEXT = `export default defineStrategy({ onCandle(ctx) {
  let calls = 0;
  const sly = { valueOf() { return calls++ === 0 ? 0 : -1; } };
  const next = ctx.close.at(sly);
  if (Number.isFinite(next) && next !== ctx.close.at(0)) throw new Error('peeked at ' + next);
} });`;
/** 4,000 plot points per candle: 2.4M over ten minutes of 1 s candles made a 57–60 MB result. */
const PLOT_FLOOD = `export default defineStrategy({ onCandle(ctx) {
  for (let i = 0; i < 4000; i++) ctx.plot('flood', i);
} });`;
/** 40,000 declared parameters made 3.8 MB version responses. */
const MANY_PARAMS = `const params = {};
for (let i = 0; i < 40000; i++) params['p' + i] = { type: 'int', default: i };
export default defineStrategy({ params, onCandle() {} });`;
/** A busy loop on every candle, warm-up included: a live enable once froze the server 11.6 s. */
const LIVE_SPIN = 'export default defineStrategy({ onCandle() { for (;;) {} } });';
/**
 * import() from the third live candle on: isolated-vm raised the rejection after the call, which
 * once paused the run stepped before this account's (another user's) and stalled the process.
 */
const LIVE_IMPORT = `export default defineStrategy({ init: () => ({ n: 0 }), onCandle(ctx) { if (++ctx.state.n > 2) import('node:fs'); } });`;
/** init() throws: such a run used to be stored `running` and retried every ~2 s for ever. */
const INIT_THROWS = `export default defineStrategy({ init() { throw new Error('no init'); }, onCandle() {} });`;

/**
 * Reads Math.random() at its top level and throws a value whose reads loop unless it sees what the
 * compile saw: the tenant's second load once saw the next value, and isolated-vm's host-side copy
 * of the thrown value hung the live process (and every run there) until its stall check.
 */
const LATER_LOAD = `const first = Math.random();
if (first !== 0.6270739405881613) throw new Proxy({}, { get() { for (;;) {} } });
${NOOP}`;
/** init() spins: each enable held its live process for the 10 s setup wall, and none was a strike. */
const SPIN_INIT = 'export default defineStrategy({ init() { for (;;) {} }, onCandle() {} });';
/** A module whose top level never ends: each compile of it holds the compile process to its CPU limit. */
const TOP_SPIN = `for (;;) {}\n${NOOP}`;
/** A thenable awaited at the top level: the evaluation never settled and the compile was a 500. */
const TOP_THENABLE = `await { then() {} };\n${NOOP}`;

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
let neighbourLive: string;
let liveEnabledAt = 0;
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

beforeAll(async () => {
  // The neighbour backtests once per row: the free tier's ten a day would not last the table.
  server = await startTicklineServer({
    ...embeddedTestEnv(dataDir),
    // The live rows are about the sandbox, not the promotion gate: no research before them.
    ...GATE_OFF_ENV,
    TICKLINE_AUTH_TIERS_FREE_BACKTESTS_PER_DAY: '100',
  });
  neighbour = await signUpAndIn(server.url, 'neighbour@example.test');
  // Ten minutes of simulator 1 s candles are the backtests' data; a fixed range, so the same result.
  await until(
    async () => {
      const candles = await api(undefined, 'GET', '/markets/BTC-USDT/candles?interval=1s&limit=100');
      return Array.isArray(candles.body.candles) && candles.body.candles.length >= 60;
    },
    { timeoutMs: 120_000, intervalMs: 1_000, what: 'a minute of 1 s candles' },
  );
  const to = Date.now() - 5_000;
  backtestRange = { from: new Date(to - 10 * 60_000).toISOString(), to: new Date(to).toISOString() };
  await loopP99Ms();
  const alone = await healthWhile(backtest(neighbour, NEIGHBOUR));
  baseline.neighbourHealthP99Ms = p99(alone.times);
  baseline.neighbourLoopP99Ms = await loopP99Ms();
  expected = figures(alone.result);
  expect(expected.status).toBe('succeeded');

  // The neighbour's live run decides every 1 m candle from now on, through every row.
  const enabled = await enableLive(neighbour, EVERY_CANDLE, 0);
  expect(enabled.status, JSON.stringify(enabled.body)).toBe(201);
  neighbourLive = enabled.body.run.id;
  liveEnabledAt = Date.now();

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

const enableLive = async (user: TestUser, source: string, warmupBars: number, interval = '1m') => {
  const created = await createStrategy(user, source);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return api(user, 'POST', '/live-strategies', {
    strategyId: created.body.strategy.id,
    version: 1,
    portfolioId: user.userId,
    feeds: [{ symbol: 'BTC-USDT', interval }],
    warmupBars,
  });
};

const ROWS: Row[] = [
  {
    name: 'a thrown Proxy whose get trap loops (compile)',
    async attack() {
      const answer = await compile(await attacker(), LOOPING_PROXY);
      expect(answer.status).toBe(422);
      expect(SPIN_STOPPED).toContain(answer.body.error.code);
    },
  },
  {
    name: 'an Error whose name getter loops (compile)',
    async attack() {
      const answer = await compile(await attacker(), LOOPING_NAME);
      expect(answer.status).toBe(422);
      expect(SPIN_STOPPED).toContain(answer.body.error.code);
    },
  },
  {
    name: 'a thrown value whose conversion never ends, at the first candle (backtest)',
    async attack() {
      const run = await backtest(await attacker(), HANGS_IN_RUN);
      expect(run.status).toBe('failed');
      expect(SPIN_STOPPED).toContain(run.error?.code);
    },
  },
  {
    name: 'a deeply nested TypeScript source (compile), then another user compiles TypeScript',
    async attack() {
      const nested = await compile(await attacker(), NESTED);
      expect(nested.status).toBe(422);
      expect(nested.body.error.code).toBe('STRATEGY_SYNTAX_ERROR');
      expect(nested.body.error.message).not.toMatch(/Node\.js/);
      expect((await compile(neighbour, `const n: number = 1;\n${NOOP}`)).status).toBe(200);
    },
  },
  {
    name: 'an Intl object flood (backtest)',
    async attack() {
      const run = await backtest(await attacker(), INTL_FLOOD);
      expect(run.status).toBe('failed');
      // Memory is the limit it meets on a quiet machine; on a busy one each object costs more CPU
      // time (cold caches) and the CPU limit can come first. Either ends it within the tier.
      expect(['STRATEGY_MEMORY_LIMIT', 'STRATEGY_CPU_LIMIT']).toContain(run.error?.code);
    },
  },
  {
    name: 'a live busy loop with a long warm-up (live enable)',
    async attack() {
      const user = await attacker();
      const answer = await enableLive(user, LIVE_SPIN, 5_000);
      expect(answer.status).toBe(422);
      expect(answer.body.error.code).toBe('STRATEGY_CPU_LIMIT');
      // Refused, not stored: nothing of it runs or counts against the quota.
      expect((await api(user, 'GET', '/live-strategies')).body.runs).toEqual([]);
    },
  },
  {
    name: 'import() in a live onCandle: its own run pauses with a user code',
    async attack() {
      const user = await attacker();
      const enabled = await enableLive(user, LIVE_IMPORT, 0, '1s');
      expect(enabled.status, JSON.stringify(enabled.body)).toBe(201);
      const path = `/live-strategies/${encodeURIComponent(enabled.body.run.id)}`;
      let run: Record<string, any> = {};
      await until(
        async () => {
          run = (await api(user, 'GET', path)).body.run;
          return run.state !== 'running';
        },
        { timeoutMs: HOSTILE_DEADLINE_MS, intervalMs: 250, what: 'the importing run paused' },
      );
      expect(run).toMatchObject({ state: 'paused', pause: { code: 'STRATEGY_FORBIDDEN_API' } });
      const neighbourRun = (
        await api(neighbour, 'GET', `/live-strategies/${encodeURIComponent(neighbourLive)}`)
      ).body.run;
      expect(neighbourRun).toMatchObject({ state: 'running', errors: 0 });
    },
  },
  {
    name: 'a failing init() (live enable)',
    async attack() {
      const user = await attacker();
      const answer = await enableLive(user, INIT_THROWS, 0);
      expect(answer.status).toBe(422);
      expect(answer.body.error.code).toBe('STRATEGY_RUNTIME_ERROR');
      expect((await api(user, 'GET', '/live-strategies')).body.runs).toEqual([]);
    },
  },
  {
    name: 'the next candle through an index whose valueOf changes (backtest)',
    async attack() {
      const run = await backtest(await attacker(), PEEK_NEXT);
      expect(run.error?.message).toBeUndefined();
      expect(run.status).toBe('succeeded');
    },
  },
  {
    name: '2.4M plot points (backtest): the result stays small',
    async attack() {
      const user = await attacker();
      const run = await backtest(user, PLOT_FLOOD);
      expect(run.status).toBe('succeeded');
      const read = await api(user, 'GET', `/backtests/${run.id}`);
      expect(JSON.stringify(read.body).length).toBeLessThan(2 * 1024 * 1024);
    },
  },
  {
    name: '40,000 declared parameters (compile)',
    async attack() {
      const answer = await compile(await attacker(), MANY_PARAMS);
      expect(answer.status).toBe(422);
      expect(answer.body.error.code).toBe('STRATEGY_DEFINITION_TOO_LARGE');
    },
  },
  {
    // Issue 46.5: four free accounts compiling a busy loop twice at once filled all 8 of the gate's
    // slots, at no strike; a fifth account's save was refused 11 times in 12.
    name: 'four accounts compiling busy loops twice at once (compile): a fifth account compiles',
    async attack() {
      const spinners = await Promise.all(Array.from({ length: 4 }, () => attacker()));
      const victim = await attacker();
      const spins = spinners.flatMap((user) => [compile(user, TOP_SPIN), compile(user, TOP_SPIN)]);
      const saved = await compile(victim, NOOP);
      expect([saved.status, saved.body.error?.code]).toEqual([200, undefined]);
      for (const spin of await Promise.all(spins))
        expect([...SPIN_STOPPED, 'STRATEGY_COMPILE_BUSY']).toContain(spin.body.error.code);
    },
  },
  {
    name: 'parallel creates against the strategy quota',
    async attack() {
      const user = await attacker();
      const answers = await Promise.all(Array.from({ length: 10 }, () => createStrategy(user, NOOP)));
      // The compile gate admits two of an account's compiles at once; the rest come back at once
      // with Retry-After, or meet the quota.
      expect(answers.filter((a) => a.status === 201).length).toBeLessThanOrEqual(3);
      const refused = answers.filter((x) => x.status !== 201).map((a) => a.body.error.code);
      expect(refused).toContain('STRATEGY_COMPILE_BUSY');
      for (const code of refused)
        expect(['STRATEGY_COMPILE_BUSY', 'STRATEGY_QUOTA_STRATEGIES']).toContain(code);
      // One at a time the free tier saves three, never a fourth.
      let last = 201;
      for (let i = 0; i < 4 && last === 201; i++) last = (await createStrategy(user, NOOP)).status;
      expect((await api(user, 'GET', '/strategies')).body.strategies).toHaveLength(3);
      expect((await createStrategy(user, NOOP)).body.error.code).toBe('STRATEGY_QUOTA_STRATEGIES');
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
    // The hostile deadline, then the settling checks above.
    HOSTILE_DEADLINE_MS + 150_000,
  );

  it('strikes - an account whose code killed a process is moved to one of its own, then refused (429)', async () => {
    const user = await attacker();
    expect(SPIN_STOPPED).toContain((await compile(user, LOOPING_PROXY)).body.error.code);
    // Its next work runs in the quarantine process, not in the pools everyone shares.
    const ready = await (await fetch(`${server.url}/readyz`)).json();
    expect(ready.services['strategy-sandbox'].info.quarantine).toMatchObject({
      size: 1,
      accounts: expect.any(Number),
    });
    expect((await compile(user, NOOP)).status).toBe(200);
    expect(SPIN_STOPPED).toContain((await compile(user, LOOPING_NAME)).body.error.code);
    expect(SPIN_STOPPED).toContain((await compile(user, LOOPING_PROXY)).body.error.code);
    const refused = await compile(user, NOOP);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('SANDBOX_SUSPENDED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await compile(neighbour, NOOP)).status).toBe(200);
    // Three spinning compiles, each up to its 50 s wall deadline on a starved machine.
  }, 400_000);

  it('the neighbour’s live run decided every candle meanwhile', async () => {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, liveEnabledAt + 70_000 - Date.now())));
    const minutes = Math.floor((Date.now() - liveEnabledAt) / 60_000);
    const status = (await api(neighbour, 'GET', `/live-strategies/${encodeURIComponent(neighbourLive)}`)).body
      .run;
    expect(status).toMatchObject({ state: 'running', errors: 0 });
    // Every 1 m candle that closed since the enable, give or take the one closing now.
    expect(status.candles).toBeGreaterThanOrEqual(Math.max(1, minutes - 1));
    expect(status.signals).toBe(status.candles);
  }, 120_000);
});

/**
 * The live rows of issue 45: a free account's live enables must never stop other accounts' live
 * runs. Cheap beside the table above: no backtest per row and no settling checks — the measure is
 * the lag of four neighbours' live runs (1 s candles, on both live processes) through each row.
 */
describe('live attacks - each refused with its code while the neighbours’ live runs keep deciding', () => {
  const runs: Array<{ user: TestUser; id: string }> = [];
  /** The worst lag of a neighbour run seen with no attack: the machine's own. */
  let quietLagMs = 0;

  /** Each neighbour run's lag now: ms since the close of the last candle it decided. */
  const lags = async (): Promise<number[]> =>
    Promise.all(
      runs.map(async ({ user, id }) => {
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
    // Neighbours until both live processes hold runs (a tenant's process is a hash of its id).
    const live = async () =>
      (
        (await (await fetch(`${server.url}/readyz`)).json()).services['strategy-live-sandbox'].info
          .processes as Array<{ quarantine: boolean; runs: number }>
      ).filter((p) => !p.quarantine);
    for (let i = 0; i < 12 && (runs.length < 4 || (await live()).some((p) => p.runs === 0)); i++) {
      const user = await signUpAndIn(server.url, `live-neighbour-${i}@example.test`);
      const enabled = await enableLive(user, EVERY_CANDLE, 0, '1s');
      expect(enabled.status, JSON.stringify(enabled.body)).toBe(201);
      runs.push({ user, id: enabled.body.run.id as string });
    }
    expect((await live()).every((p) => p.runs > 0)).toBe(true);
    await until(async () => (await lags()).every((lag) => lag < 60_000), {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'every neighbour decided a candle',
    });
    quietLagMs = await worstLagWhile(new Promise((resolve) => setTimeout(resolve, 3_000)));
  }, 300_000);

  const ROWS_LIVE: Row[] = [
    {
      name: 'a value thrown only on a later load: every load sees what the compile saw, nothing hangs',
      async attack() {
        const user = await attacker();
        // Two loads in the account's isolate: the second once hung its process.
        for (let i = 0; i < 2; i++) {
          const enabled = await enableLive(user, LATER_LOAD, 0, '1s');
          expect(enabled.status, JSON.stringify(enabled.body)).toBe(201);
        }
        // Running, each decided by what the compile saw.
        const listed = (await api(user, 'GET', '/live-strategies')).body.runs as Array<{ state: string }>;
        expect(listed.map((r) => r.state)).toEqual(['running', 'running']);
      },
    },
    {
      name: 'a spinning init() enabled 12 times in parallel: one loads and is refused, the rest at once',
      async attack() {
        const user = await attacker();
        const created = await createStrategy(user, SPIN_INIT);
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const answers = await Promise.all(
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
      },
    },
    {
      name: 'a thenable awaited at the top level: the user’s error, with a code',
      async attack() {
        const user = await attacker();
        const refused = await createStrategy(user, TOP_THENABLE);
        expect(refused.status).toBe(422);
        expect(refused.body.error).toMatchObject({
          code: 'STRATEGY_FORBIDDEN_API',
          details: { api: 'await' },
        });
        // No strike, and the compile process was not replaced: the account compiles at once.
        expect((await compile(user, NOOP)).status).toBe(200);
      },
    },
  ];

  it.each(ROWS_LIVE.map((row) => [row.name, row] as const))(
    '%s',
    async (_, row) => {
      const worst = await worstLagWhile(row.attack());
      expect(worst, `worst neighbour lag (quiet ${quietLagMs} ms)`).toBeLessThan(
        bound(3_000, quietLagMs, 250),
      );
    },
    HOSTILE_DEADLINE_MS,
  );
});
