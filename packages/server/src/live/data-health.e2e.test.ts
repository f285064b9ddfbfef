/**
 * The data-health interlock through a real `tickline start` (embedded default, simulator candles):
 * with a band so narrow that any move of a 1 s close is a jump, a live run's feed turns unhealthy —
 * the run's API object says so with the problem, its strategy reads `ctx.dataHealthy === false`,
 * its entries are not placed (a log line says why) and its owner finds a `strategy.data_health`
 * notification in the inbox. Lifting after clean candles is the runner's test (run-health.test.ts):
 * the simulator never sends an unmoved close on purpose.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  embeddedTestEnv,
  GATE_OFF_ENV,
  startTicklineServer,
  until,
  type RunningServer,
} from '@tickline/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { callJson, signUpAndIn } from '../testing/api-clients.ts';
import { portfolioOpened } from '../testing/portfolio-clients.ts';

/** Logs what it reads and buys whenever flat: every decision is an entry. */
const ENTERS = `export default defineStrategy({
  onCandle(ctx) {
    ctx.log('healthy=' + ctx.dataHealthy);
    if (ctx.position().qty === 0) ctx.buy({ qty: 0.001, reason: 'entry' });
  },
});`;
const WAIT_MS = 90_000;

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-data-health-'));
let server: RunningServer | undefined;

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

interface Run {
  dataHealth?: { healthy: false; feeds: Array<{ symbol: string; interval: string; problem: string }> };
  logs: Array<{ text: string }>;
}

describe('data health - a jumping feed stops entries through tickline start', () => {
  it('the run shows the unhealthy feed, its strategy sees it, its entries stop, its owner is told', async () => {
    server = await startTicklineServer(
      embeddedTestEnv(dataDir, {
        ...GATE_OFF_ENV,
        // Any move is a jump, and it takes a thousand clean candles to lift: unhealthy from the
        // second candle on.
        TICKLINE_TRADING_LIVE_DATA_HEALTH_JUMP_PERCENT: '0.0000001',
        TICKLINE_TRADING_LIVE_DATA_HEALTH_HEALTHY_CANDLES: '1000',
      }),
    );
    const url = server.url;
    const user = await signUpAndIn(url, 'data-health@example.test');
    const bearer = user.accessToken;
    const api = (method: string, path: string, body?: unknown) =>
      callJson(url, method, `/api/v1${path}`, { bearer, ...(body === undefined ? {} : { body }) });
    await portfolioOpened(url, bearer, user.userId);
    const created = await api('POST', '/strategies', { name: 'enters', source: ENTERS });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const enabled = await api('POST', '/live-strategies', {
      strategyId: created.body.strategy.id,
      version: 1,
      portfolioId: user.userId,
      feeds: [{ symbol: 'BTC-USDT', interval: '1s' }],
      warmupBars: 0,
    });
    expect(enabled.status, JSON.stringify(enabled.body)).toBe(201);
    const runPath = `/live-strategies/${encodeURIComponent(enabled.body.run.id as string)}`;
    let run: Run | undefined;
    const logged = (text: string) => run?.logs.some((l) => l.text.includes(text)) === true;
    await until(
      async () => {
        run = (await api('GET', runPath)).body.run as Run;
        return run.dataHealth !== undefined && logged('healthy=false') && logged('data-health: buy');
      },
      { what: 'the run held by the interlock', timeoutMs: WAIT_MS, intervalMs: 250 },
    );
    expect(run!.dataHealth!.feeds).toEqual([
      expect.objectContaining({ symbol: 'BTC-USDT', interval: '1s', healthy: false, problem: 'jump' }),
    ]);
    expect(run!.logs.find((l) => l.text.startsWith('data-health:'))!.text).toBe(
      'data-health: buy 0.001 BTC-USDT not placed',
    );
    let inbox: unknown;
    try {
      await until(
        async () => {
          inbox = (await api('GET', '/notifications?limit=50')).body;
          return ((inbox as { items: Array<{ kind: string }> }).items ?? []).some(
            (n) => n.kind === 'strategy.data_health',
          );
        },
        { what: 'the owner notified', timeoutMs: WAIT_MS, intervalMs: 250 },
      );
    } catch (error) {
      const lines = server
        .output()
        .split('\n')
        .filter((l) => /data.health|notify|warn|error/i.test(l));
      console.log(JSON.stringify(inbox).slice(0, 2000), lines.slice(-40).join('\n'));
      throw error;
    }
  }, 240_000);
});
