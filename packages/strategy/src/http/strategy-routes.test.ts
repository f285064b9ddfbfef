import {
  BacktestCurvesSchema,
  BacktestDetailSchema,
  BacktestListSchema,
  BacktestResponseSchema,
  BacktestTradesSchema,
  CompiledSchema,
  CreatedStrategySchema,
  SavedVersionSchema,
  StrategyApiTypesSchema,
  StrategyListSchema,
  StrategyResponseSchema,
  StrategyVersionListSchema,
  StrategyVersionResponseSchema,
} from '@tickline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { SMA_CROSS_SOURCE } from '../examples/sma-cross.ts';
import {
  createStrategyTestApp,
  HOUR,
  T0,
  waveCandles,
  type StrategyTestApp,
} from '../testing/strategy-test-app.ts';

const BAD_SYNTAX = `export default defineStrategy({
  params: {},
  onCandle(ctx) {
    const x: number = ;
  },
});`;

/** Polls until `check` returns a value (generous: the machine is shared). */
/** Response bodies, read as JSON. */
type Json = any;

async function until(check: () => Promise<Json>, timeoutMs = 60_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The wire contract the SDK and dashboard read (`@tickline/protocol`): every successful answer of
 * these routes must parse with its schema, strictly, so a field renamed on either side fails here.
 */
const ID = '[0-9a-f-]{36}';
const CONTRACT: Array<[method: string, path: RegExp, schema: z.ZodType]> = [
  ['GET', /^\/strategies$/, StrategyListSchema],
  ['POST', /^\/strategies$/, CreatedStrategySchema],
  ['POST', /^\/strategies\/compile$/, CompiledSchema],
  ['GET', /^\/strategies\/api-types$/, StrategyApiTypesSchema],
  ['GET', new RegExp(`^/strategies/${ID}$`), StrategyResponseSchema],
  ['GET', new RegExp(`^/strategies/${ID}/versions$`), StrategyVersionListSchema],
  ['POST', new RegExp(`^/strategies/${ID}/versions$`), SavedVersionSchema],
  ['GET', new RegExp(`^/strategies/${ID}/versions/\\d+$`), StrategyVersionResponseSchema],
  ['POST', /^\/backtests$/, BacktestResponseSchema],
  ['GET', /^\/backtests(\?.*)?$/, BacktestListSchema],
  ['GET', new RegExp(`^/backtests/${ID}$`), BacktestDetailSchema],
  ['GET', new RegExp(`^/backtests/${ID}/trades$`), BacktestTradesSchema],
  ['GET', new RegExp(`^/backtests/${ID}/equity$`), BacktestCurvesSchema],
  ['POST', new RegExp(`^/backtests/${ID}/cancel$`), BacktestResponseSchema],
];
const checked = new Set<(typeof CONTRACT)[number]>();
const strictly = (schema: z.ZodType, body: unknown): void => {
  // Strict at every level: an extra field the contract does not name is a drift too.
  const parsed: unknown = schema.parse(body);
  expect(parsed).toEqual(body);
};

describe('strategy routes over PGlite', () => {
  let t: StrategyTestApp;
  let ada: Awaited<ReturnType<StrategyTestApp['user']>>;
  let bob: Awaited<ReturnType<StrategyTestApp['user']>>;
  let strategyId: string;

  const inject = async (
    who: { auth?: Record<string, string> },
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    payload?: unknown,
  ) => {
    const res = await t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who.auth ?? {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    const contract = CONTRACT.find(([m, path]) => m === method && path.test(url));
    if (res.statusCode < 300 && res.statusCode !== 204 && contract) {
      strictly(contract[2], res.json());
      checked.add(contract);
    }
    return res;
  };

  /** Row counts of the strategy tables, to show a refused request changed nothing. */
  const counts = async () => {
    const { rows } = await t.sql.query<{ s: string; v: string; r: string }>(
      `select (select count(*) from strategies) as s, (select count(*) from strategy_versions) as v,
              (select count(*) from backtest_runs) as r`,
    );
    return rows[0];
  };

  const backtest = (over: Record<string, unknown> = {}) => ({
    strategyId,
    symbol: 'BTC-USDT',
    interval: '1h',
    from: new Date(T0).toISOString(),
    to: new Date(T0 + 400 * HOUR).toISOString(),
    params: { fast: 5, slow: 20 },
    ...over,
  });

  beforeAll(async () => {
    t = await createStrategyTestApp({
      candles: waveCandles('BTC-USDT', 400),
      tiers: { free: { maxStrategies: 2, backtestsPerDay: 4 } },
    });
    ada = await t.user();
    bob = await t.user();
  }, 120_000);
  afterAll(() => t?.close());

  // The first compile meets a sandbox process that starts on first use (isolate bundle built
  // before it reports ready): at load ~20 that alone took most of the unit project's 30 s.
  it('strategy routes - create, version, read back, list', async () => {
    const created = await inject(ada, 'POST', '/strategies', { name: 'cross', source: SMA_CROSS_SOURCE });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json();
    strategyId = body.strategy.id;
    expect(body.version.version).toBe(1);
    expect(Object.keys(body.version.params)).toEqual(['fast', 'slow']);

    const v2 = await inject(ada, 'POST', `/strategies/${strategyId}/versions`, {
      source: SMA_CROSS_SOURCE.replace('default: 20', 'default: 10'),
    });
    expect(v2.statusCode).toBe(201);
    expect(v2.json().version.version).toBe(2);

    const versions = await inject(ada, 'GET', `/strategies/${strategyId}/versions`);
    expect(versions.json().versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const one = await inject(ada, 'GET', `/strategies/${strategyId}/versions/1`);
    expect(one.json().version.source).toBe(SMA_CROSS_SOURCE);
    const list = await inject(ada, 'GET', '/strategies');
    expect(list.json().strategies).toHaveLength(1);
    expect(list.json().strategies[0].latestVersion).toBe(2);
    const types = await inject({}, 'GET', '/strategies/api-types');
    expect(types.json().declarations).toContain('defineStrategy');
  }, 120_000);

  it('strategy routes - bad input gets a coded 4xx and changes nothing', async () => {
    const before = await counts();
    const cases: Array<[string, 'GET' | 'POST', string, unknown, number, string]> = [
      [
        'syntax error',
        'POST',
        '/strategies',
        { name: 'x', source: BAD_SYNTAX },
        422,
        'STRATEGY_SYNTAX_ERROR',
      ],
      [
        'code too large',
        'POST',
        `/strategies/${strategyId}/versions`,
        { source: `// ${'x'.repeat(200_000)}\n${SMA_CROSS_SOURCE}` },
        413,
        'STRATEGY_CODE_TOO_LARGE',
      ],
      ['someone else’s strategy', 'GET', `/strategies/${strategyId}`, undefined, 404, 'STRATEGY_NOT_FOUND'],
      [
        'unknown version',
        'GET',
        `/strategies/${strategyId}/versions/9`,
        undefined,
        404,
        'STRATEGY_NOT_FOUND',
      ],
      [
        'wrong parameter type',
        'POST',
        '/backtests',
        backtest({ params: { fast: 'five' } }),
        422,
        'STRATEGY_PARAM_INVALID',
      ],
      [
        'undeclared parameter',
        'POST',
        '/backtests',
        backtest({ params: { nope: 1 } }),
        422,
        'STRATEGY_PARAM_INVALID',
      ],
      [
        'unknown symbol',
        'POST',
        '/backtests',
        backtest({ symbol: 'DOGE-USDT' }),
        404,
        'MARKET_SYMBOL_NOT_FOUND',
      ],
      ['unknown interval', 'POST', '/backtests', backtest({ interval: '7m' }), 400, 'HTTP_BAD_REQUEST'],
      ['unknown version to run', 'POST', '/backtests', backtest({ version: 9 }), 404, 'STRATEGY_NOT_FOUND'],
      [
        'range with no data',
        'POST',
        '/backtests',
        backtest({ from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z' }),
        422,
        'STRATEGY_NO_DATA',
      ],
      [
        'reversed range',
        'POST',
        '/backtests',
        backtest({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }),
        400,
        'STRATEGY_RANGE_INVALID',
      ],
      [
        'sandbox above the tier',
        'POST',
        '/backtests',
        backtest({ sandbox: { memoryMb: 4096 } }),
        403,
        'STRATEGY_TIER_LIMIT',
      ],
      [
        'bad settings type',
        'POST',
        '/backtests',
        backtest({ settings: { startingCapital: 'lots' } }),
        400,
        'HTTP_BAD_REQUEST',
      ],
    ];
    for (const [name, method, url, payload, status, code] of cases) {
      const who = name === 'someone else’s strategy' ? bob : ada;
      const res = await inject(who, method, url, payload);
      expect([name, res.statusCode, res.json().error?.code]).toEqual([name, status, code]);
    }
    const syntax = await inject(ada, 'POST', '/strategies/compile', { source: BAD_SYNTAX });
    expect(syntax.json().error.details).toMatchObject({ line: 4 });
    // Bob cannot run, read or cancel Ada's strategy either.
    const bobRun = await inject(bob, 'POST', '/backtests', backtest());
    expect([bobRun.statusCode, bobRun.json().error.code]).toEqual([404, 'STRATEGY_NOT_FOUND']);
    expect(await counts()).toEqual(before);
  });

  it('strategy routes - unauthenticated and missing scopes are refused', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/strategies' });
    expect(anonymous.statusCode).toBe(401);
    const principal = await t.identity.authenticateAccessToken(ada.accessToken);
    const { key } = await t.identity.createApiKey(principal, {
      name: 'read only',
      scopes: ['strategies:read'],
    });
    const reader = { auth: { 'x-api-key': key } };
    expect((await inject(reader, 'GET', '/strategies')).statusCode).toBe(200);
    const refused = await inject(reader, 'POST', '/backtests', backtest());
    expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'AUTH_FORBIDDEN']);
  });

  it('backtests - 202, progress and completion on the user’s events, results, trades, equity', async () => {
    const queued = await inject(ada, 'POST', '/backtests', backtest());
    expect(queued.statusCode, queued.body).toBe(202);
    const id = queued.json().backtest.id as string;
    const run = await until(async () => {
      const r = await inject(ada, 'GET', `/backtests/${id}`);
      return ['succeeded', 'failed'].includes(r.json().backtest.status) ? r.json() : undefined;
    });
    expect(run.backtest.status, JSON.stringify(run.backtest.error)).toBe('succeeded');
    expect(run.result.bars).toBe(400);
    expect(run.result.metrics.trades).toBeGreaterThan(0);

    const trades = (await inject(ada, 'GET', `/backtests/${id}/trades`)).json();
    expect(trades.trades).toHaveLength(run.result.metrics.trades);
    const equity = (await inject(ada, 'GET', `/backtests/${id}/equity`)).json();
    expect(equity.equity.length).toBeGreaterThan(100);
    expect(equity.equity.at(-1)[1]).toBeCloseTo(run.result.metrics.finalEquity, 6);
    expect(Math.min(...equity.drawdown.map((p: number[]) => p[1]))).toBeLessThanOrEqual(0);

    const mine = t.events.filter((e) => (e.data as { backtestId?: string }).backtestId === id);
    expect(mine.every((e) => e.subject === ada.userId)).toBe(true);
    const completed = mine.find((e) => e.type === 'backtest.completed');
    expect(completed?.data).toMatchObject({
      status: 'succeeded',
      summary: { trades: run.result.metrics.trades },
    });

    const list = (await inject(ada, 'GET', `/backtests?strategyId=${strategyId}`)).json();
    expect(list.backtests.map((b: { id: string }) => b.id)).toContain(id);
    expect((await inject(bob, 'GET', `/backtests/${id}`)).statusCode).toBe(404);
    const cancelDone = await inject(ada, 'POST', `/backtests/${id}/cancel`);
    expect([cancelDone.statusCode, cancelDone.json().error.code]).toEqual([409, 'STRATEGY_RUN_FINISHED']);
  }, 120_000);

  it('backtests - a runtime error fails the run with its code', async () => {
    const v = await inject(ada, 'POST', `/strategies/${strategyId}/versions`, {
      source: `export default defineStrategy({ params: {}, onCandle(ctx) { if (ctx.feed.index === 3) throw new Error('boom'); } });`,
    });
    expect(v.statusCode).toBe(201);
    const queued = await inject(ada, 'POST', '/backtests', backtest({ params: {} }));
    expect(queued.statusCode, queued.body).toBe(202);
    const id = queued.json().backtest.id;
    const run = await until(async () => {
      const r = (await inject(ada, 'GET', `/backtests/${id}`)).json();
      return r.backtest.status === 'queued' || r.backtest.status === 'running' ? undefined : r;
    });
    expect(run.backtest).toMatchObject({ status: 'failed', error: { code: 'STRATEGY_RUNTIME_ERROR' } });
    const pending = await inject(ada, 'GET', `/backtests/${id}/trades`);
    expect([pending.statusCode, pending.json().error.code]).toEqual([409, 'STRATEGY_RESULT_PENDING']);
  }, 120_000);

  it('quotas - a burst of concurrent backtests gets exactly the concurrent-jobs quota', async () => {
    // A run that lasts (busy work per bar) so none ends while the burst is answered.
    const created = await inject(bob, 'POST', '/strategies', {
      name: 'slow',
      source: `export default defineStrategy({ params: {}, onCandle(ctx) { let x = 0; for (let i = 0; i < 2e6; i++) x += i; ctx.state.x = x; } });`,
    });
    expect(created.statusCode, created.body).toBe(201);
    const before = await counts();
    // When six requests arrive at once for a tier that allows one run at a time
    const burst = await Promise.all(
      Array.from({ length: 6 }, () =>
        inject(bob, 'POST', '/backtests', backtest({ strategyId: created.json().strategy.id, params: {} })),
      ),
    );
    // Then one is queued and five are refused with 429, and only one run was stored
    const answers = burst.map((r) => [r.statusCode, r.json().error?.code ?? null]);
    expect(answers.filter(([status]) => status === 202)).toHaveLength(1);
    expect(
      answers.filter(([status, code]) => status === 429 && code === 'STRATEGY_QUOTA_CONCURRENT'),
    ).toHaveLength(5);
    expect(Number((await counts())!.r)).toBe(Number(before!.r) + 1);
    const queued = burst.find((r) => r.statusCode === 202)!.json().backtest.id as string;
    await inject(bob, 'POST', `/backtests/${queued}/cancel`);
  }, 120_000);

  it('quotas - stored strategies 403, backtests per day 429', async () => {
    const second = await inject(ada, 'POST', '/strategies', { name: 'two', source: SMA_CROSS_SOURCE });
    expect(second.statusCode).toBe(201);
    const before = await counts();
    const third = await inject(ada, 'POST', '/strategies', { name: 'three', source: SMA_CROSS_SOURCE });
    expect([third.statusCode, third.json().error.code]).toEqual([403, 'STRATEGY_QUOTA_STRATEGIES']);
    // Two runs so far today; the tier allows four: two more, then 429.
    for (let i = 0; i < 2; i++) {
      const ok = await until(async () => {
        const r = await inject(ada, 'POST', '/backtests', backtest({ params: {} }));
        return r.statusCode === 429 && r.json().error.code === 'STRATEGY_QUOTA_CONCURRENT' ? undefined : r;
      });
      expect(ok.statusCode, ok.body).toBe(202);
    }
    const refused = await until(async () => {
      const r = await inject(ada, 'POST', '/backtests', backtest({ params: {} }));
      return r.json().error?.code === 'STRATEGY_QUOTA_CONCURRENT' ? undefined : r;
    });
    expect([refused.statusCode, refused.json().error.code]).toEqual([429, 'STRATEGY_QUOTA_BACKTESTS']);
    expect((await counts())!.s).toEqual(before!.s);
  }, 120_000);

  it('wire contract - every route answers in the shape @tickline/protocol declares', async () => {
    expect((await inject(ada, 'GET', `/strategies/${strategyId}`)).statusCode).toBe(200);
    const compiled = await inject(ada, 'POST', '/strategies/compile', { source: SMA_CROSS_SOURCE });
    expect(compiled.statusCode, compiled.body).toBe(200);
    // Bob's own strategy and run (Ada's daily quota is spent above); cancelled while queued or
    // running — should it finish first, the next one is cancelled.
    const bobs = await inject(bob, 'POST', '/strategies', { name: 'bobs', source: SMA_CROSS_SOURCE });
    const bobStrategy = bobs.json().strategy.id as string;
    for (let attempt = 0; attempt < 3; attempt++) {
      // Bob's earlier run (cancelled in the burst test) may still be winding down.
      const queued = await until(async () => {
        const r = await inject(bob, 'POST', '/backtests', backtest({ strategyId: bobStrategy }));
        return r.statusCode === 429 && r.json().error.code === 'STRATEGY_QUOTA_CONCURRENT' ? undefined : r;
      });
      expect(queued.statusCode, queued.body).toBe(202);
      const cancel = await inject(bob, 'POST', `/backtests/${queued.json().backtest.id}/cancel`);
      if (cancel.statusCode === 202) break;
      await until(async () =>
        (await inject(bob, 'GET', '/backtests'))
          .json()
          .backtests.some((b: Json) => ['queued', 'running'].includes(b.status))
          ? undefined
          : true,
      );
    }
    const unseen = CONTRACT.filter((entry) => !checked.has(entry)).map(([m, p]) => `${m} ${p}`);
    expect(unseen).toEqual([]);
    const gone = await inject(ada, 'DELETE', `/strategies/${strategyId}`);
    expect(gone.statusCode).toBe(204);
    expect((await inject(ada, 'GET', `/strategies/${strategyId}`)).statusCode).toBe(404);
  }, 120_000);
});
