/**
 * A hostile free user against `tickline start` (embedded default): code that made isolated-vm's
 * host-side conversion run forever, code that broke Node's TypeScript stripper for everyone, and
 * code that hangs a backtest at its first candle. Each now ends with a coded error within its
 * limit, because user code runs only in sandbox processes the server kills from outside; the
 * server answers `/healthz` throughout, and another user's compile and backtest still succeed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, signUpAndIn, type TestUser } from '../testing/api-clients.ts';
import { embeddedTestEnv, startTicklineServer, type RunningServer } from '../testing/tickline-process.ts';

const NOOP = 'export default defineStrategy({ onCandle() {} });';
/** A thrown Proxy whose `get` trap never returns: the host's conversion of it used to hang a thread. */
const LOOPING_PROXY = `throw new Proxy({}, { get() { for (;;) {} } });\n${NOOP}`;
/** An Error whose `name` getter never returns. */
const LOOPING_NAME = `class Hostile extends Error { get name() { for (;;) {} } }\nthrow new Hostile('boom');\n${NOOP}`;
/** ~120 KB of nested brackets: trapped Node's shared stripper, failing every later compile. */
const NESTED = `const a = ${'['.repeat(60_000)}${']'.repeat(60_000)};\n${NOOP}`;
/** Compiles (onCandle does not run at load), then hangs the backtest at its first candle. */
const HANGS_IN_RUN =
  'export default defineStrategy({ onCandle() { throw new Proxy({}, { get() { for (;;) {} } }); } });';
const GOOD = `export default defineStrategy({ onCandle(ctx) { ctx.buy({ qty: 0.001, reason: 'each candle' }); } });`;

/** A hostile call must end by then even on a busy machine (its CPU budget is a few seconds). */
const HOSTILE_DEADLINE_MS = 90_000;

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-hostile-'));
let server: RunningServer;
let hostile: TestUser;
let neighbour: TestUser;

beforeAll(async () => {
  server = await startTicklineServer(embeddedTestEnv(dataDir));
  [hostile, neighbour] = await Promise.all([
    signUpAndIn(server.url, 'hostile@example.test'),
    signUpAndIn(server.url, 'neighbour@example.test'),
  ]);
});

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

/** Polls /healthz while `work` runs; the slowest answer in ms. */
async function healthWhile<T>(work: Promise<T>): Promise<{ result: T; slowestMs: number; answers: number }> {
  let done = false;
  let slowestMs = 0;
  let answers = 0;
  const poller = (async () => {
    while (!done) {
      const started = Date.now();
      const response = await fetch(`${server.url}/healthz`);
      expect(response.status).toBe(200);
      slowestMs = Math.max(slowestMs, Date.now() - started);
      answers++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    return { result: await work, slowestMs, answers };
  } finally {
    done = true;
    await poller;
  }
}

const compile = (user: TestUser, source: string) =>
  callJson(server.url, 'POST', '/api/v1/strategies/compile', { bearer: user.accessToken, body: { source } });

async function backtest(user: TestUser, source: string) {
  const created = await callJson(server.url, 'POST', '/api/v1/strategies', {
    bearer: user.accessToken,
    body: { name: `s-${Date.now()}`, source },
  });
  expect(created.status).toBe(201);
  const to = Date.now();
  const queued = await callJson(server.url, 'POST', '/api/v1/backtests', {
    bearer: user.accessToken,
    body: {
      strategyId: created.body.strategy.id,
      symbol: 'BTC-USDT',
      interval: '1s',
      from: new Date(to - 10 * 60_000).toISOString(),
      to: new Date(to).toISOString(),
    },
  });
  expect(queued.status).toBe(202);
  const id = queued.body.backtest?.id ?? queued.body.id;
  let last: Record<string, unknown> = {};
  await until(
    async () => {
      const read = await callJson(server.url, 'GET', `/api/v1/backtests/${id}`, { bearer: user.accessToken });
      last = read.body.backtest ?? read.body;
      return last.status === 'succeeded' || last.status === 'failed';
    },
    { timeoutMs: HOSTILE_DEADLINE_MS, what: `backtest ${id} ended` },
  );
  return last as { status: string; error?: { code: string } | null };
}

describe('hostile strategy code - ended from outside, the server and other users unaffected', () => {
  it.each([
    ['a thrown Proxy whose get trap loops', LOOPING_PROXY],
    ['an Error whose name getter loops', LOOPING_NAME],
  ])(
    'compile - %s ends with STRATEGY_CPU_LIMIT; /healthz answers meanwhile',
    async (_, source) => {
      const started = Date.now();
      const { result, slowestMs, answers } = await healthWhile(compile(hostile, source));
      expect(result.status).toBe(422);
      expect(result.body.error.code).toBe('STRATEGY_CPU_LIMIT');
      expect(Date.now() - started).toBeLessThan(HOSTILE_DEADLINE_MS);
      expect(answers).toBeGreaterThan(0);
      // The server's loop is never the one spinning: a frozen loop would hold /healthz for the whole call.
      expect(slowestMs).toBeLessThan(5_000);
    },
    120_000,
  );

  it('compile - deeply nested source is a 422 for its author only; the next compile of another user succeeds', async () => {
    const nested = await compile(hostile, NESTED);
    expect(nested.status).toBe(422);
    expect(nested.body.error.code).toBe('STRATEGY_SYNTAX_ERROR');
    expect(nested.body.error.message).not.toMatch(/Node\.js/);
    const good = await compile(neighbour, `const n: number = 1;\n${GOOD}`);
    expect(good.status).toBe(200);
  }, 120_000);

  it('strikes - after three kills the hostile account is refused at once (429); the neighbour is served', async () => {
    // Two kills above; a third suspends the account.
    const third = await compile(hostile, LOOPING_PROXY);
    expect(third.body.error.code).toBe('STRATEGY_CPU_LIMIT');
    const refused = await compile(hostile, NOOP);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('SANDBOX_SUSPENDED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await compile(neighbour, NOOP)).status).toBe(200);
  }, 120_000);

  it('backtest - code that hangs at its first candle fails with a code; another user’s backtest succeeds', async () => {
    // Simulator candles of the last minutes are the backtest's data.
    await until(
      async () => {
        const candles = await callJson(server.url, 'GET', '/api/v1/markets/BTC-USDT/candles?interval=1s');
        return Array.isArray(candles.body.candles) && candles.body.candles.length >= 5;
      },
      { timeoutMs: 60_000, what: 'a few 1 s candles' },
    );
    const other = await signUpAndIn(server.url, 'runner@example.test');
    const [hanging, good] = await Promise.all([backtest(other, HANGS_IN_RUN), backtest(neighbour, GOOD)]);
    expect(hanging.status).toBe('failed');
    expect(hanging.error?.code).toBe('STRATEGY_CPU_LIMIT');
    expect(good.status).toBe('succeeded');
  }, 240_000);
});
