/**
 * Issue 25, the kill switch as shared state, with real processes on one nats-server and one
 * PostgreSQL: two `--role strategy` processes behind a gateway. A switch engaged through one
 * strategy process refuses orders placed on the other within one candle (a minute; the risk
 * view's cache makes it about a second), and through the gateway; the working orders of both are
 * cancelled by the engage, and a cancel that reaches the process not holding the order is handed
 * to the one that does; released through the gateway, both processes accept orders again.
 */
import { until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, signUpAndIn } from '../testing/api-clients.ts';
import { moveKillSwitch, placeOrder, portfolioOpened } from '../testing/portfolio-clients.ts';
import {
  scaledClusterDependencies,
  startScaledCluster,
  type ClusterProcess,
  type ScaledCluster,
} from '../testing/scaled-cluster.ts';

const { available, reason } = scaledClusterDependencies({ redis: true });

/** One candle of the live runs: the bound within which every process must hold the switch. */
const ONE_CANDLE_MS = 60_000;
/** A limit buy far below any price: it rests, needs no market data, and costs 0.001 USDT. */
const RESTING_BUY = { symbol: 'BTC-USDT', side: 'buy', type: 'limit', price: 1, quantity: 0.001 };

let cluster: ScaledCluster | undefined;
let strategyA: ClusterProcess;
let strategyB: ClusterProcess;
let gateway: ClusterProcess;

beforeAll(async () => {
  if (!available) return;
  cluster = await startScaledCluster({
    name: 'kill_switch_shared',
    stream: 'KILLSW',
    authSecret: 'kill-switch-shared-secret-0123456789',
    env: { TICKLINE_MARKET_ENABLED: 'false' },
    redis: true,
  });
  await cluster.start('platform');
  strategyA = await cluster.start('strategy', { TICKLINE_TRADING_LIVE_MEMBER: 'strategy-a' });
  strategyB = await cluster.start('strategy', { TICKLINE_TRADING_LIVE_MEMBER: 'strategy-b' });
  gateway = await cluster.start('gateway');
}, 180_000);
afterAll(async () => {
  await cluster?.stop();
}, 60_000);

/** Places RESTING_BUY on `base` until its answer is `refused` (or not); the time that took. */
async function untilOrders(
  base: string,
  bearer: string,
  portfolioId: string,
  want: 'refused' | 'accepted',
): Promise<{ ms: number; body: any }> {
  const started = performance.now();
  let last: { status: number; body: any } | undefined;
  await until(
    async () => {
      last = await placeOrder(base, bearer, portfolioId, RESTING_BUY);
      return want === 'refused' ? last.status === 422 : last.status === 201;
    },
    { timeoutMs: ONE_CANDLE_MS, intervalMs: 100, what: `an order ${want} on ${base}` },
  );
  return { ms: performance.now() - started, body: last!.body };
}

describe.skipIf(!available)(`kill switch - shared by every strategy process (${reason})`, () => {
  it('engaged through one strategy process, orders on the other are refused within one candle', async () => {
    const owner = await signUpAndIn(gateway.url, `switch.${Date.now()}@example.com`);
    const bearer = owner.accessToken;
    const portfolioId = owner.userId;
    for (const p of [strategyA, strategyB]) await portfolioOpened(p.url, bearer, portfolioId);

    // Before: both processes take orders.
    expect((await placeOrder(strategyA.url, bearer, portfolioId, RESTING_BUY)).status).toBe(201);
    expect((await placeOrder(strategyB.url, bearer, portfolioId, RESTING_BUY)).status).toBe(201);

    // A working paper order lives on the process that placed it: a cancel that reaches the other
    // process is handed to it (a gateway sends each request to either).
    const onBOnly = await placeOrder(strategyB.url, bearer, portfolioId, RESTING_BUY);
    expect(onBOnly.status).toBe(201);
    const cancel = await callJson(
      strategyA.url,
      'DELETE',
      `/api/v1/portfolios/${portfolioId}/orders/${onBOnly.body.order.clientOrderId}?symbol=BTC-USDT`,
      { bearer },
    );
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    expect(cancel.body.order).toMatchObject({
      clientOrderId: onBOnly.body.order.clientOrderId,
      status: 'cancelled',
    });

    // When the owner engages the switch through process A
    const engaged = await moveKillSwitch(strategyA.url, bearer, portfolioId, 'engage', 'shared stop');
    expect(engaged.status, JSON.stringify(engaged.body)).toBe(200);
    // Then the working orders of both processes are cancelled at once, B's too
    expect(engaged.body.cancelled).toBe(2);
    // And the halt proof, built from the shared journal (not from A's memory), has both cancels
    // confirmed by the venue — B's included — and no order after the switch
    const proof = (
      await callJson(gateway.url, 'GET', `/api/v1/halts/${engaged.body.haltId as string}`, { bearer })
    ).body.proofs[0];
    expect(proof).toMatchObject({ halted: true, ordersAfter: [], problems: [] });
    expect(proof.cancels).toHaveLength(2);
    expect(proof.cancels.every((c: { confirmed: boolean }) => c.confirmed)).toBe(true);
    await until(
      async () =>
        (await callJson(gateway.url, 'GET', `/api/v1/portfolios/${portfolioId}/orders`, { bearer })).body
          .orders.length === 0,
      { timeoutMs: 10_000, what: 'no working order left' },
    );

    // Then process B refuses with kill_switch within one candle, and so does the gateway
    const onB = await untilOrders(strategyB.url, bearer, portfolioId, 'refused');
    expect(onB.body.error.details.reason).toBe('kill_switch');
    expect(onB.body.order.status).toBe('rejected');
    expect(onB.ms).toBeLessThan(ONE_CANDLE_MS);
    console.info(`kill switch engaged on A held on B after ${Math.round(onB.ms)} ms`);
    const viaGateway = await placeOrder(gateway.url, bearer, portfolioId, RESTING_BUY);
    expect(viaGateway.status).toBe(422);
    expect(viaGateway.body.error.details.reason).toBe('kill_switch');

    // When the owner releases it through the gateway, Then both processes accept orders again
    const released = await moveKillSwitch(gateway.url, bearer, portfolioId, 'release', 'shared go');
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    expect(released.body.killSwitch).toEqual({ engaged: false });
    for (const p of [strategyA, strategyB]) {
      const accepted = await untilOrders(p.url, bearer, portfolioId, 'accepted');
      expect(accepted.ms).toBeLessThan(ONE_CANDLE_MS);
    }
  }, 300_000);
});
