import { createPgliteSql, type Sql } from '@tickline/store';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqlRiskControls } from '../risk/sql-risk-controls.ts';
import { createLiveTestApp, type LiveTestApp } from '../testing/live-test-app.ts';
import { migrateForTrading } from '../testing/trading-migrations.ts';

// Two "processes" (apps) over one database: what one engages, the other enforces.
describe('risk routes - kill switch and limits as shared, audited state', () => {
  let sql: Sql;
  const apps: LiveTestApp[] = [];
  const open = async (ttlMs = 0) => {
    const app = await createLiveTestApp({
      portfolios: { pa: 'ada', pb: 'bob' },
      prices: { 'BTC-USDT': 100 },
      controls: new SqlRiskControls(sql),
      riskTtlMs: ttlMs,
      admins: ['root'],
    });
    apps.push(app);
    return app;
  };
  const as = (user: string) => ({ 'x-api-key': `user:${user}` });
  const buy = (t: LiveTestApp, portfolio: string, quantity = 1, user = 'ada') =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/portfolios/${portfolio}/orders`,
      headers: { ...as(user), 'idempotency-key': `k${Math.random()}` },
      payload: { symbol: 'BTC-USDT', side: 'buy', quantity },
    });
  const post = (t: LiveTestApp, url: string, user: string, payload: object) =>
    t.app.inject({ method: 'POST', url: `/api/v1/portfolios/${url}`, headers: as(user), payload });

  beforeAll(async () => {
    sql = await createPgliteSql({ memory: true });
    await migrateForTrading(sql);
  }, 60_000);
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
  });
  afterAll(() => sql?.close());

  it('engaged through one process, the switch refuses orders on a restarted one until released', async () => {
    // Given the owner engages the switch through the first process
    const first = await open();
    const engaged = await post(first, 'pa/kill-switch', 'ada', { reason: 'markets are wild' });
    expect(engaged.statusCode).toBe(200);
    expect(engaged.json().killSwitch).toMatchObject({ engaged: true, user: { by: 'ada' } });
    expect((await buy(first, 'pa')).json().error.details.reason).toBe('kill_switch');
    await first.close();
    // When a new process starts over the same database, Then its next order is refused too
    const second = await open();
    const refused = await buy(second, 'pa');
    expect(refused.statusCode).toBe(422);
    expect(refused.json().order).toMatchObject({ status: 'rejected', rejectReason: 'kill_switch' });
    // When the owner releases it, Then the next order is accepted
    const released = await post(second, 'pa/kill-switch/release', 'ada', { reason: 'calm again' });
    expect(released.json().killSwitch).toEqual({ engaged: false });
    expect((await buy(second, 'pa')).statusCode).toBe(201);
    // And the audit says who did what, when and why
    const risk = (await second.app.inject({ url: '/api/v1/portfolios/pa/risk', headers: as('ada') })).json();
    expect(risk.audit.map((e: { action: string; reason: string }) => [e.action, e.reason])).toEqual([
      ['kill_switch.engaged', 'markets are wild'],
      ['kill_switch.released', 'calm again'],
    ]);
  });

  it("an admin's hand holds against the owner's release", async () => {
    const t = await open();
    await post(t, 'pb/kill-switch', 'root', { reason: 'abuse' });
    // When the owner releases, Then only their (absent) hand is lifted and orders stay refused
    const released = await post(t, 'pb/kill-switch/release', 'bob', { reason: 'let me trade' });
    expect(released.json().killSwitch).toMatchObject({ engaged: true, admin: { by: 'root' } });
    expect((await buy(t, 'pb', 1, 'bob')).json().order.rejectReason).toBe('kill_switch');
    // When the admin releases, Then orders pass
    await post(t, 'pb/kill-switch/release', 'root', { reason: 'cleared' });
    expect((await buy(t, 'pb', 1, 'bob')).statusCode).toBe(201);
  });

  it('limits changed through one process are enforced on another, with stable codes', async () => {
    // Given two processes, When the owner sets a 150 USDT order limit through the first
    const [a, b] = [await open(), await open()];
    const put = await a.app.inject({
      method: 'PUT',
      url: '/api/v1/portfolios/pa/risk-limits',
      headers: as('ada'),
      payload: { maxOrderNotional: 150, maxDailyLoss: 1_000, reason: 'small steps' },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().limits).toMatchObject({
      maxOrderNotional: 150,
      maxDailyLoss: 1_000,
      maxOrdersPerMinute: 120,
    });
    // Then an order worth 200 is refused on the second, naming the limit, and one worth 100 passes
    const big = await buy(b, 'pa', 2);
    expect(big.statusCode).toBe(422);
    expect(big.json().order).toMatchObject({ rejectReason: 'risk_limit' });
    expect(big.json().order.detail).toMatch(/^max_order_notional: /);
    expect((await buy(b, 'pa', 1)).statusCode).toBe(201);
    const risk = (await b.app.inject({ url: '/api/v1/portfolios/pa/risk', headers: as('ada') })).json();
    expect(risk).toMatchObject({
      custom: true,
      limits: { maxOrderNotional: 150 },
      defaults: { maxOrderNotional: 0 },
    });
  });

  it("refuses another user's portfolio and bad input, changing nothing", async () => {
    const t = await open();
    expect((await post(t, 'pa/kill-switch', 'bob', { reason: 'mine now' })).statusCode).toBe(404);
    const bad = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/portfolios/pa/risk-limits',
      headers: as('ada'),
      payload: { maxOrderNotional: -1, reason: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    expect((await post(t, 'pa/kill-switch', 'ada', {})).statusCode).toBe(400);
    const risk = (await t.app.inject({ url: '/api/v1/portfolios/pb/risk', headers: as('bob') })).json();
    expect(risk.killSwitch.engaged).toBe(false);
  });
});
