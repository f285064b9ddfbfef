/**
 * The attack table of issue 24 at the sandbox process pool (`StrategyProcesses`, real child
 * processes, no HTTP server): each hostile compile or backtest ends with its code, within its
 * limit, while a neighbour's backtest beside it gives exactly the result it gives alone, and
 * afterwards every process of the pools is ready and idle. The table used to run row by row
 * against a real `tickline start` (`server/src/strategy/sandbox-attacks.e2e.test.ts`, which keeps
 * one row per class and lists where every other row went); what a whole server adds — its event
 * loop, `/healthz`, its threads and CPU — does not depend on which code a sandbox process runs.
 */
import { TicklineError } from '@tickline/kernel';
import { until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';
import { createStrategyTestApp, type StrategyTestApp } from '../testing/strategy-test-app.ts';
import type { SandboxLimits } from './sandbox.ts';
import type { StrategyProcesses } from './strategy-processes.ts';

const NOOP = 'export default defineStrategy({ onCandle() {} });';
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
/** A module whose top level never ends: each compile of it holds the compile process to its CPU limit. */
const TOP_SPIN = `for (;;) {}\n${NOOP}`;
/** A thenable awaited at the top level: the evaluation never settled and the compile was a 500. */
const TOP_THENABLE = `await { then() {} };\n${NOOP}`;

/**
 * What stops code that spins: its CPU limit — or, on a machine so busy that the niced sandbox
 * process gets a few percent of a core, the wall deadline, which the CPU limit then never reaches.
 * Both are limits from outside the code; both count as a strike.
 */
const SPIN_STOPPED = ['STRATEGY_CPU_LIMIT', 'SANDBOX_TIMEOUT'];

/** The free tier's limits (strategy-settings.ts), as the backtest queue passes them. */
const FREE: SandboxLimits = { memoryMb: 64, cpuMs: 10_000 };
/** A hostile loop needs no ten seconds of CPU to show its limit stops it. */
const SHORT: SandboxLimits = { memoryMb: 64, cpuMs: 1_000 };

const settings = resolveBacktestSettings({ takerFee: 0.001 });
const feeds = [randomWalkFeed('BTC-USDT', '1m', 60_000, 600, 11)];
const job = (code: string) => ({ code, feeds, settings });

let t: StrategyTestApp;
let processes: StrategyProcesses;
let expected: unknown;
let attackers = 0;
/** A fresh tenant: strikes from one row must not decide the next. */
const attacker = () => `attacker-${++attackers}`;

/** The code a rejected call came back with (and the error, for its message and details). */
async function refusal(call: Promise<unknown>): Promise<TicklineError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'refused').toBeInstanceOf(TicklineError);
  return error as TicklineError;
}

/** What must not change between two runs of the neighbour's backtest on the same candles. */
const neighbourRun = async () => {
  const result = await processes.run(job(NEIGHBOUR), FREE, 'neighbour');
  return { bars: result.bars, trades: result.trades, metrics: result.metrics };
};

interface PoolInfo {
  size: number;
  ready: number;
  busy: number;
  queued: number;
}
const pools = () =>
  processes.health().info as {
    backtest: PoolInfo;
    compile: PoolInfo;
    quarantine?: PoolInfo & { accounts: number };
  };

beforeAll(async () => {
  // The strategy host as the server composes it: two backtest processes, one compile process, the
  // default compile gate; the free tier's strategy quota for the create row.
  t = await createStrategyTestApp();
  processes = t.host.processes;
  await processes.ready();
  expected = await neighbourRun();
  expect((expected as { trades: unknown[] }).trades.length).toBeGreaterThan(0);
}, 120_000);
afterAll(() => t?.close());

interface Row {
  name: string;
  /** Runs the attack and checks how it ended. */
  attack(): Promise<void>;
}

const ROWS: Row[] = [
  {
    name: 'a thrown Proxy whose get trap loops (compile)',
    async attack() {
      expect(SPIN_STOPPED).toContain((await refusal(processes.compile(LOOPING_PROXY, {}, attacker()))).code);
    },
  },
  {
    name: 'an Error whose name getter loops (compile)',
    async attack() {
      expect(SPIN_STOPPED).toContain((await refusal(processes.compile(LOOPING_NAME, {}, attacker()))).code);
    },
  },
  {
    name: 'a thrown value whose conversion never ends, at the first candle (backtest)',
    async attack() {
      expect(SPIN_STOPPED).toContain(
        (await refusal(processes.run(job(HANGS_IN_RUN), SHORT, attacker()))).code,
      );
    },
  },
  {
    name: 'a deeply nested TypeScript source (compile), then another account compiles TypeScript',
    async attack() {
      const nested = await refusal(processes.compile(NESTED, {}, attacker()));
      expect(nested.code).toBe('STRATEGY_SYNTAX_ERROR');
      expect(nested.message).not.toMatch(/Node\.js/);
      await expect(processes.compile(`const n: number = 1;\n${NOOP}`, {}, attacker())).resolves.toMatchObject(
        {
          params: {},
        },
      );
    },
  },
  {
    name: 'an Intl object flood (backtest)',
    async attack() {
      const flood = await refusal(processes.run(job(INTL_FLOOD), FREE, attacker()));
      // Memory is the limit it meets on a quiet machine; on a busy one each object costs more CPU
      // time (cold caches) and the CPU limit can come first. Either ends it within the tier.
      expect(['STRATEGY_MEMORY_LIMIT', 'STRATEGY_CPU_LIMIT']).toContain(flood.code);
    },
  },
  {
    name: 'the next candle through an index whose valueOf changes (backtest)',
    async attack() {
      await expect(processes.run(job(PEEK_NEXT), FREE, attacker())).resolves.toMatchObject({ bars: 600 });
    },
  },
  {
    // Sandbox processes run with --expose-gc, and V8's flags are the process's: every isolate in
    // them had a global `gc` (found by measuring research memory).
    name: 'the process’s collector called from a strategy (backtest)',
    async attack() {
      const collect = await refusal(
        processes.run(job('export default defineStrategy({ onCandle() { gc(); } });'), FREE, attacker()),
      );
      expect(collect.code).toBe('STRATEGY_FORBIDDEN_API');
    },
  },
  {
    name: 'a thenable awaited at the top level (compile): the user’s error with a code, no strike',
    async attack() {
      const tenant = attacker();
      const quarantined = pools().quarantine?.accounts ?? 0;
      const refused = await refusal(processes.compile(TOP_THENABLE, {}, tenant));
      expect([refused.code, (refused as { details?: unknown }).details]).toEqual([
        'STRATEGY_FORBIDDEN_API',
        expect.objectContaining({ api: 'await' }),
      ]);
      // Not moved aside, and the shared compile process serves the account at once.
      expect(pools().quarantine?.accounts ?? 0).toBe(quarantined);
      await expect(processes.compile(NOOP, {}, tenant)).resolves.toMatchObject({ params: {} });
    },
  },
  {
    // Issue 46.5: four free accounts compiling a busy loop twice at once filled all 8 of the gate's
    // slots, at no strike; a fifth account's save was refused 11 times in 12.
    name: 'four accounts compiling busy loops twice at once (compile): a fifth account compiles',
    async attack() {
      const spinners = Array.from({ length: 4 }, attacker);
      const spins = spinners.flatMap((tenant) => [
        refusal(processes.compile(TOP_SPIN, {}, tenant)),
        refusal(processes.compile(TOP_SPIN, {}, tenant)),
      ]);
      await expect(processes.compile(NOOP, {}, attacker())).resolves.toMatchObject({ params: {} });
      for (const spin of await Promise.all(spins))
        expect([...SPIN_STOPPED, 'STRATEGY_COMPILE_BUSY']).toContain(spin.code);
    },
  },
];

describe('sandbox attacks at the process pool - each ends within its limit; the neighbour is unaffected', () => {
  it.each(ROWS.map((row) => [row.name, row] as const))(
    '%s',
    async (_, row) => {
      await Promise.all([row.attack(), neighbourRun().then((figures) => expect(figures).toEqual(expected))]);
      // Afterwards no process is left working, and every one killed on the way was replaced.
      await until(
        () =>
          [pools().backtest, pools().compile, pools().quarantine].every(
            (p) => p === undefined || (p.busy === 0 && p.queued === 0 && p.ready === p.size),
          ),
        { timeoutMs: 60_000, what: 'every sandbox process ready and idle' },
      );
    },
    // A spinning call may run to its wall deadline on a starved machine (50 s for a compile).
    180_000,
  );

  it('strikes - an account whose code stopped a process is moved to one of its own, then refused with when to come back', async () => {
    const tenant = attacker();
    expect(SPIN_STOPPED).toContain((await refusal(processes.compile(LOOPING_PROXY, {}, tenant))).code);
    // Its next work runs in the quarantine process, not in the pools everyone shares.
    expect(pools().quarantine).toMatchObject({ size: 1, accounts: expect.any(Number) });
    await expect(processes.compile(NOOP, {}, tenant)).resolves.toMatchObject({ params: {} });
    expect(SPIN_STOPPED).toContain((await refusal(processes.compile(LOOPING_NAME, {}, tenant))).code);
    expect(SPIN_STOPPED).toContain((await refusal(processes.compile(LOOPING_PROXY, {}, tenant))).code);
    const suspended = await refusal(processes.compile(NOOP, {}, tenant));
    expect(suspended.code).toBe('SANDBOX_SUSPENDED');
    expect(
      (suspended as { details?: { retryAfterSeconds?: number } }).details?.retryAfterSeconds,
    ).toBeGreaterThan(0);
    await expect(processes.compile(NOOP, {}, 'neighbour')).resolves.toMatchObject({ params: {} });
  }, 300_000);

  it('quota - ten parallel creates of one account save at most three, and never a fourth after', async () => {
    const user = await t.user();
    const create = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/strategies',
        headers: user.auth,
        payload: { name: `s-${Math.random()}`, source: NOOP },
      });
    const answers = await Promise.all(Array.from({ length: 10 }, create));
    expect(answers.filter((a) => a.statusCode === 201).length).toBeLessThanOrEqual(3);
    // The compile gate admits two of an account's compiles at once; the rest come back at once
    // with Retry-After, or meet the quota.
    const refused = answers.filter((a) => a.statusCode !== 201).map((a) => a.json().error.code as string);
    expect(refused).toContain('STRATEGY_COMPILE_BUSY');
    for (const code of refused)
      expect(['STRATEGY_COMPILE_BUSY', 'STRATEGY_QUOTA_STRATEGIES']).toContain(code);
    // One at a time the free tier saves three, never a fourth.
    let last = 201;
    for (let i = 0; i < 4 && last === 201; i++) last = (await create()).statusCode;
    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/strategies', headers: user.auth });
    expect(listed.json().strategies).toHaveLength(3);
    expect((await create()).json().error.code).toBe('STRATEGY_QUOTA_STRATEGIES');
  }, 120_000);
});
