/**
 * Issue 27, live trading through any gateway, with real processes on one nats-server, PostgreSQL
 * and redis-server: two gateways (which run neither strategy nor notify), two strategy processes
 * and a platform. A strategy created through a gateway is created once (the two strategy
 * processes share each forwarded request); a run enabled through gateway A decides the candles
 * published on the log, and its signal reaches a stream opened on gateway B; a manual paper order
 * placed through B fills, and A shows the position.
 */
import type { NatsEventLog } from '@tickline/eventlog';
import { GATE_OFF_ENV, until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, openEventSource, signUpAndIn, streamTicket } from '../testing/api-clients.ts';
import { closedCandle, publishCandles, storeCandles } from '../testing/cluster-candles.ts';
import {
  scaledClusterDependencies,
  startScaledCluster,
  type ClusterProcess,
  type ScaledCluster,
} from '../testing/scaled-cluster.ts';

const { available, reason } = scaledClusterDependencies({ redis: true });

const SYMBOL = 'BTC-USDT';
const MINUTE = 60_000;
/** Buys on every closed candle: one signal per candle. */
const EVERY_CANDLE = `export default defineStrategy({
  onCandle(ctx) {
    ctx.buy({ qty: 0.001, reason: 'every candle' });
  },
});
`;
/** Waits on work across processes on a busy machine: generous. */
const WAIT_MS = 90_000;

let cluster: ScaledCluster | undefined;
let log: NatsEventLog | undefined;
let gatewayA: ClusterProcess;
let gatewayB: ClusterProcess;
let runners: ClusterProcess[] = [];

beforeAll(async () => {
  if (!available) return;
  cluster = await startScaledCluster({
    name: 'live_gateway',
    stream: 'LIVEGW',
    authSecret: 'live-through-gateway-secret-0123456789',
    env: {
      // Live runs through the gateway, not the promotion gate: no research before them.
      ...GATE_OFF_ENV,
      // Candles come from the test, on the log, as a collector publishes them.
      TICKLINE_MARKET_ENABLED: 'false',
      TICKLINE_TRADING_LIVE_HEARTBEAT_MS: '300',
      TICKLINE_TRADING_LIVE_MEMBER_TTL_MS: '2500',
      TICKLINE_TRADING_LIVE_SYNC_MS: '300',
      TICKLINE_TRADING_LIVE_RISK_MAX_ORDERS_PER_MINUTE: '0',
    },
    redis: true,
  });
  await cluster.start('platform');
  runners = [
    await cluster.start('strategy', { TICKLINE_TRADING_LIVE_MEMBER: 'runner-a' }),
    await cluster.start('strategy', { TICKLINE_TRADING_LIVE_MEMBER: 'runner-b' }),
  ];
  gatewayA = await cluster.start('gateway');
  gatewayB = await cluster.start('gateway');
  log = await cluster.openLog();
}, 180_000);
afterAll(async () => {
  await log?.close();
  await cluster?.stop();
}, 60_000);

/** A closed 1 m candle of SYMBOL closing at `closeTime`: stored as the market stores it, then logged. */
async function publishCandle(closeTime: number, close: number): Promise<void> {
  const candle = closedCandle(SYMBOL, closeTime, close);
  await storeCandles(cluster!.env.TICKLINE_DATABASE_URL!, [candle]);
  await publishCandles(log!, [candle]);
}

describe.skipIf(!available)(`live through a gateway - runs and signals at scale (${reason})`, () => {
  it('live through a gateway - one strategy per create, a run enabled on A signals to a stream on B, a manual order fills', async () => {
    const trader = await signUpAndIn(gatewayA.url, `trader.${Date.now()}@example.com`);
    const bearer = trader.accessToken;

    // Two creates at once through A (the free tier's compile concurrency), then a third (its
    // strategy quota): three strategies, not one per strategy process — twice as many would also
    // run into the quota.
    const create = (i: number) =>
      callJson(gatewayA.url, 'POST', '/api/v1/strategies', {
        bearer,
        body: { name: `every ${i}`, source: EVERY_CANDLE },
      });
    const created = await Promise.all([create(0), create(1)]);
    created.push(await create(2));
    for (const res of created) expect(res.status, JSON.stringify(res.body)).toBe(201);
    const listed = await callJson(gatewayB.url, 'GET', '/api/v1/strategies', { bearer });
    expect(listed.status).toBe(200);
    expect((listed.body.strategies as unknown[]).length).toBe(3);
    const strategyId = created[0].body.strategy.id as string;

    // The paper portfolio the account snapshot opens, read through B.
    let portfolioId = '';
    await until(
      async () => {
        const res = await callJson(gatewayB.url, 'GET', '/api/v1/portfolios', { bearer });
        portfolioId = (res.body?.portfolios?.[0]?.portfolioId as string | undefined) ?? '';
        return res.status === 200 && portfolioId !== '';
      },
      { timeoutMs: WAIT_MS, what: 'the paper portfolio' },
    );

    // The signal stream on B: the strategy's own channel and the user's.
    const stream = openEventSource(gatewayB.url, {
      channels: [`strategy:${strategyId}:signals`, `user:${trader.userId}`],
      types: ['strategy.signal'],
      ticket: await streamTicket(gatewayB.url, bearer),
    });
    try {
      expect(await stream.refused).toBe(200);
      const enabled = await callJson(gatewayA.url, 'POST', '/api/v1/live-strategies', {
        bearer,
        body: {
          strategyId,
          version: 1,
          portfolioId,
          feeds: [{ symbol: SYMBOL, interval: '1m' }],
          warmupBars: 0,
        },
      });
      expect(enabled.status, JSON.stringify(enabled.body)).toBe(201);
      const runId = enabled.body.run.id as string;

      // Candles on the log, a second apart, until the signal arrives (the run's owner may pick
      // it up at its next sync): each one a minute later than the last.
      let closeTime = Math.floor(Date.now() / MINUTE) * MINUTE;
      await until(
        async () => {
          closeTime += MINUTE;
          await publishCandle(closeTime, 100 + Math.sin(closeTime / MINUTE));
          return stream.events.some((e) => e.type === 'strategy.signal');
        },
        { timeoutMs: WAIT_MS, intervalMs: 1_000, what: 'a signal on the stream of gateway B' },
      );
      const signal = stream.events.find((e) => e.type === 'strategy.signal')!;
      expect(signal.data).toMatchObject({ strategyId, symbol: SYMBOL });
      // Through A: the run is running and counted its signals.
      const run = await callJson(
        gatewayA.url,
        'GET',
        `/api/v1/live-strategies/${encodeURIComponent(runId)}`,
        {
          bearer,
        },
      );
      expect(run.status, JSON.stringify(run.body)).toBe(200);
      expect(run.body.run.state).toBe('running');
      // The run and the list through B name the strategy, as the Live page shows it.
      expect(run.body.run.strategyName).toBe(created[0].body.strategy.name);
      const runs = await callJson(gatewayB.url, 'GET', '/api/v1/live-strategies', { bearer });
      expect(runs.body.runs.map((r: { id: string; strategyName: string }) => [r.id, r.strategyName])).toEqual(
        [[runId, created[0].body.strategy.name]],
      );

      // A manual market order through B is accepted, then fills at the next price its strategy
      // process hears (here a 1 m candle: the topology publishes no 1 s ones); A shows the position.
      const order = await fetch(`${gatewayB.url}/api/v1/portfolios/${portfolioId}/orders`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${bearer}`,
          'content-type': 'application/json',
          'idempotency-key': `manual-${Date.now()}`,
        },
        body: JSON.stringify({ symbol: SYMBOL, side: 'buy', type: 'market', quantity: 0.5 }),
      });
      const placed = (await order.json()) as { order: { status: string } };
      expect(order.status, JSON.stringify(placed)).toBe(201);
      expect(placed.order.status).toBe('new');
      const holds = async (url: string) => {
        const res = await callJson(url, 'GET', `/api/v1/portfolios/${portfolioId}`, { bearer });
        const positions = (res.body?.positions ?? []) as Array<{ symbol: string; quantity: number }>;
        return positions.some((p) => p.symbol === SYMBOL && p.quantity >= 0.5) && res.body.cash < 10_000;
      };
      // The next price comes from the market as before: a candle a second until the fill shows.
      await until(
        async () => {
          if (await holds(gatewayA.url)) return true;
          closeTime += MINUTE;
          await publishCandle(closeTime, 100 + Math.sin(closeTime / MINUTE));
          return false;
        },
        { timeoutMs: WAIT_MS, intervalMs: 1_000, what: 'the position through gateway A' },
      );
      // Whichever strategy process a request lands on answers from its own books: each one,
      // asked directly, has the fill — also the one that did not place it.
      for (const runner of runners)
        await until(() => holds(runner.url), { timeoutMs: WAIT_MS, what: `the position on ${runner.url}` });
    } finally {
      stream.close();
    }
  }, 300_000);
});
