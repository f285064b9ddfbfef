import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StrategySettingsSchema } from '../module/strategy-settings.ts';
import {
  createStrategyTestApp,
  HOUR,
  T0,
  waveCandles,
  type StrategyTestApp,
} from '../testing/strategy-test-app.ts';

/** Response bodies, read as JSON. */
type Json = any;

const BARS = 400;
const defaults = StrategySettingsSchema.parse(undefined);

/** A strategy module declaring `n` integer parameters, built at load time (the source stays small). */
const declaring = (n: number, name = "'p' + i") =>
  `const params = {};
for (let i = 0; i < ${n}; i++) params[${name}] = { type: 'int', default: 1 };
export default defineStrategy({ params, onCandle() {} });`;

const QUICK = 'export default defineStrategy({ params: {}, onCandle() {} });';
/** A module whose top level never ends: it holds the compile process until the compile's CPU limit. */
const ENDLESS = `for (;;) {}\nexport default defineStrategy({ onCandle() {} });`;

describe('strategy bounds over HTTP', () => {
  let t: StrategyTestApp;
  let ada: Awaited<ReturnType<StrategyTestApp['user']>>;
  let bob: Awaited<ReturnType<StrategyTestApp['user']>>;
  let carol: Awaited<ReturnType<StrategyTestApp['user']>>;

  const inject = (
    who: { auth: Record<string, string> },
    method: 'GET' | 'POST',
    url: string,
    payload?: object,
  ) => t.app.inject({ method, url: `/api/v1${url}`, headers: who.auth, ...(payload ? { payload } : {}) });

  /** Saves `source` and runs it over the stored candles; resolves with the finished run. */
  async function backtest(source: string): Promise<Json> {
    const created = await inject(ada, 'POST', '/strategies', { name: 'bounds', source });
    expect(created.statusCode, created.body).toBe(201);
    const strategyId = created.json().strategy.id as string;
    const queued = await inject(ada, 'POST', '/backtests', {
      strategyId,
      symbol: 'BTC-USDT',
      interval: '1h',
      from: T0,
      to: T0 + BARS * HOUR,
    });
    expect(queued.statusCode, queued.body).toBe(202);
    const id = queued.json().backtest.id as string;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const run = await inject(ada, 'GET', `/backtests/${id}`);
      const body = run.json();
      if (!['queued', 'running'].includes(body.backtest.status)) return { ...body, bytes: run.body.length };
      if (Date.now() > deadline) throw new Error('the backtest did not finish');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    t = await createStrategyTestApp({
      candles: waveCandles('BTC-USDT', BARS),
      tiers: { free: { maxStrategies: 100, backtestsPerDay: 100 } },
      settings: {
        compile: { perUser: 2, maxInFlight: 4 },
        tiers: { ...defaults.tiers, free: { ...defaults.tiers.free, maxResultBytes: 128 * 1024 } },
      },
    });
    ada = await t.user();
    bob = await t.user();
    carol = await t.user();
  }, 120_000);
  afterAll(() => t?.close());

  // Two compiles of a 40,000-parameter source in sandbox processes: 104 s for the file at load 10.
  it(
    'parameters - 40,000 declared parameters are refused at compile, and nothing is stored',
    { timeout: 120_000 },
    async () => {
      for (const url of ['/strategies/compile', '/strategies']) {
        const body = { source: declaring(40_000), ...(url === '/strategies' ? { name: 'many' } : {}) };
        const res = await inject(ada, 'POST', url, body);
        expect([url, res.statusCode, res.json().error.code]).toEqual([
          url,
          422,
          'STRATEGY_DEFINITION_TOO_LARGE',
        ]);
        expect(res.json().error.details).toMatchObject({ limit: 'maxParams', value: 64, declared: 40_000 });
        expect(res.body.length).toBeLessThan(2_000);
      }
      expect((await inject(ada, 'GET', '/strategies')).json().strategies).toEqual([]);
    },
  );

  it('parameters - 64 are accepted, 65 or a 65-character name are not', async () => {
    const ok = await inject(ada, 'POST', '/strategies/compile', { source: declaring(64) });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(Object.keys(ok.json().params)).toHaveLength(64);
    const more = await inject(ada, 'POST', '/strategies/compile', { source: declaring(65) });
    expect(more.json().error).toMatchObject({ code: 'STRATEGY_DEFINITION_TOO_LARGE' });
    const long = await inject(ada, 'POST', '/strategies/compile', { source: declaring(1, "'n'.repeat(65)") });
    expect(long.json().error).toMatchObject({
      code: 'STRATEGY_DEFINITION_TOO_LARGE',
      details: { limit: 'maxNameChars' },
    });
  });

  it('parameters - what is stored is the declaration as checked: no extra field, no second answer', async () => {
    // A declaration with a 1 MB extra field
    const junk = `const p = { type: 'int', default: 1, junk: 'x'.repeat(1 << 20) };
export default defineStrategy({ params: { p }, onCandle() {} });`;
    const res = await inject(ada, 'POST', '/strategies/compile', { source: junk });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.json().params).toEqual({ p: { type: 'int', default: 1 } });
    expect(res.body.length).toBeLessThan(200);
    // A list of values that answers two, then 100,000: whatever is stored was checked
    const growing = `let reads = 0;
const e = { type: 'enum', default: 'a', get values() { return reads++ === 0 ? ['a', 'b'] : Array(100000).fill('a'); } };
export default defineStrategy({ params: { e }, onCandle() {} });`;
    const answer = await inject(ada, 'POST', '/strategies/compile', { source: growing });
    expect(answer.body.length).toBeLessThan(1_000);
    if (answer.statusCode === 200) expect(answer.json().params.e.values).toEqual(['a', 'b']);
    else expect(answer.json().error).toMatchObject({ code: 'STRATEGY_DEFINITION_TOO_LARGE' });
  });

  it('errors - a 10 MB message is never echoed back; import() is a forbidden API', async () => {
    const huge = "'x'.repeat(10 * 1024 * 1024)";
    const compiled = await inject(ada, 'POST', '/strategies/compile', {
      source: `throw new Error(${huge});\nexport default defineStrategy({ onCandle() {} });`,
    });
    expect(compiled.json().error).toMatchObject({ code: 'STRATEGY_RUNTIME_ERROR' });
    expect(compiled.body.length).toBeLessThan(2_000);
    const run = await backtest(
      `export default defineStrategy({ onCandle() { throw new Error(${huge}); } });`,
    );
    expect(run.backtest).toMatchObject({ status: 'failed', error: { code: 'STRATEGY_RUNTIME_ERROR' } });
    expect(run.bytes).toBeLessThan(3_000);
    const imported = await backtest(`export default defineStrategy({ onCandle() { import('node:fs'); } });`);
    expect(imported.backtest).toMatchObject({ status: 'failed', error: { code: 'STRATEGY_FORBIDDEN_API' } });
    const atTop = await inject(ada, 'POST', '/strategies/compile', {
      source: `import('node:fs');\nexport default defineStrategy({ onCandle() {} });`,
    });
    expect(atTop.json().error).toMatchObject({
      code: 'STRATEGY_FORBIDDEN_API',
      details: { api: 'import()' },
    });
  }, 120_000);

  it('plots - 2M plot points give a result of 2,000 points a series, the last one kept', async () => {
    // Given 5,000 points a bar on two series over 400 bars (2M points each)
    const run = await backtest(`export default defineStrategy({ onCandle(ctx) {
      for (let i = 0; i < 5000; i++) { ctx.plot('a', ctx.feed.index * 5000 + i); ctx.plot('b', i); }
    } });`);
    expect(run.backtest.status, JSON.stringify(run.backtest.error)).toBe('succeeded');
    // Then each series keeps at most maxPlotPoints (+ the last), evenly spaced, and the answer stays small
    for (const series of run.result.plots as Array<{ name: string; value: number[] }>) {
      expect(series.value.length).toBeLessThanOrEqual(defaults.output.maxPlotPoints + 1);
      expect(series.value.length).toBeGreaterThan(defaults.output.maxPlotPoints / 2);
    }
    const a = run.result.plots.find((p: { name: string }) => p.name === 'a');
    expect(a.value[0]).toBe(0);
    expect(a.value.at(-1)).toBe(BARS * 5000 - 1);
    const gaps = new Set(a.value.slice(1, -1).map((v: number, i: number) => v - a.value[i]));
    expect(gaps.size).toBe(1);
    expect(run.bytes).toBeLessThan(200_000);
  }, 120_000);

  it('logs - lines past the limit are counted and a last line says so', async () => {
    const run = await backtest(
      `export default defineStrategy({ onCandle(ctx) { ctx.log('bar', ctx.feed.index); ctx.log('again'); ctx.log('and again'); } });`,
    );
    expect(run.backtest.status, JSON.stringify(run.backtest.error)).toBe('succeeded');
    const logs = run.result.logs as Array<{ text: string }>;
    expect(logs).toHaveLength(defaults.output.maxLogLines + 1);
    expect(logs.at(-1)!.text).toBe(
      `[tickline] ${3 * BARS - defaults.output.maxLogLines} more log lines were not kept: a run keeps ${defaults.output.maxLogLines}`,
    );
  }, 120_000);

  it('result bytes - a result over the tier’s maxResultBytes fails the run with its code', async () => {
    // 400 bars × 2 lines of 400 characters: about 320 KB of log against a 128 KiB tier
    const run = await backtest(
      `export default defineStrategy({ onCandle(ctx) { ctx.log('x'.repeat(400)); ctx.log('y'.repeat(400)); } });`,
    );
    expect(run.backtest).toMatchObject({ status: 'failed', error: { code: 'STRATEGY_RESULT_TOO_LARGE' } });
  }, 120_000);

  it('compiles - each account gets a fair share of the gate; past 4 in all a compile is refused with 429 and Retry-After', async () => {
    type Res = Awaited<ReturnType<typeof inject>>;
    const compile = (who: typeof ada) => inject(who, 'POST', '/strategies/compile', { source: QUICK });
    /** The answers of `requests` as they arrive. */
    const arrivals = (requests: Array<Promise<Res>>) => {
      const arrived: Res[] = [];
      for (const r of requests) void r.then((res) => arrived.push(res));
      return arrived;
    };
    const until = async (check: () => boolean) => {
      const deadline = Date.now() + 60_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const refused = (r: Res, scope: string) => {
      expect(r.statusCode).toBe(429);
      expect(r.json().error).toMatchObject({ code: 'STRATEGY_COMPILE_BUSY', details: { scope } });
      expect(r.headers['retry-after']).toBe('1');
    };
    const [dan, eve] = [await t.user(), await t.user()];
    // Given Carol's endless compile holding the only compile process (until its CPU limit), so
    // every compile admitted after it waits, in flight
    const blocker = inject(carol, 'POST', '/strategies/compile', { source: ENDLESS });
    await until(() => (t.host.processes.health().info as { compile: { busy: number } }).compile.busy === 1);
    // When Ada sends five at once
    const adas = Array.from({ length: 5 }, () => compile(ada));
    const adaAnswers = arrivals(adas);
    // Then one is admitted: her second would need half the gate free (2 of 4 are taken)
    await until(() => adaAnswers.length === 4);
    for (const r of adaAnswers) refused(r, 'account');
    // And Bob's first of two is admitted beside hers, his second is not
    const bobs = [compile(bob), compile(bob)];
    const bobAnswers = arrivals(bobs);
    await until(() => bobAnswers.length === 1);
    refused(bobAnswers[0]!, 'account');
    // And Dan's takes the last slot, so Eve's is refused for the server
    const admitted = () =>
      (t.host.processes.health().info as { compile: { gate: { inFlight: number } } }).compile.gate.inFlight;
    const dans = compile(dan);
    await until(() => admitted() === 4);
    refused(await compile(eve), 'server');
    // And every admitted compile is served once Carol's is stopped
    expect((await blocker).json().error).toMatchObject({ code: 'STRATEGY_CPU_LIMIT' });
    const served = await Promise.all([...adas, ...bobs, dans]);
    expect(served.filter((r) => r.statusCode === 200)).toHaveLength(3);
    // And once they are done, compiles are admitted again
    expect((await compile(bob)).statusCode).toBe(200);
  }, 120_000);

  it('compiles - a compile stopped at its CPU limit is a strike: the third suspends the account, not others', async () => {
    const looper = await t.user();
    for (let i = 0; i < 3; i++) {
      const r = await inject(looper, 'POST', '/strategies/compile', { source: ENDLESS });
      expect(r.json().error).toMatchObject({ code: 'STRATEGY_CPU_LIMIT' });
    }
    const suspended = await inject(looper, 'POST', '/strategies/compile', { source: QUICK });
    expect(suspended.statusCode).toBe(429);
    expect(suspended.json().error).toMatchObject({
      code: 'SANDBOX_SUSPENDED',
      details: { retryAfterSeconds: expect.any(Number) },
    });
    expect((await inject(bob, 'POST', '/strategies/compile', { source: QUICK })).statusCode).toBe(200);
  }, 120_000);
});
