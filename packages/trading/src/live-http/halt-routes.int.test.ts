import { afterEach, describe, expect, it } from 'vitest';
import { createLiveTestApp, type LiveTestApp } from '../testing/live-test-app.ts';

describe('halt routes - the kill switch proves it halted', () => {
  let t: LiveTestApp;
  const as = (user: string) => ({ 'x-api-key': `user:${user}` });
  const open = async () =>
    (t = await createLiveTestApp({
      portfolios: { pa: 'ada', pb: 'bob' },
      prices: { 'BTC-USDT': 100, 'ETH-USDT': 10 },
      admins: ['root'],
    }));
  const order = (portfolio: string, user: string, payload: object) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/portfolios/${portfolio}/orders`,
      headers: { ...as(user), 'idempotency-key': `k${Math.random()}` },
      payload,
    });
  const post = (url: string, user: string, payload: object) =>
    t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: as(user), payload });
  const get = (url: string, user: string) => t.app.inject({ url, headers: as(user) });
  afterEach(() => t?.close());

  it('engaged with flatten: every working order cancelled, every position closed, proof readable', async () => {
    // Given ada holds 2 BTC and 30 ETH and rests a limit buy
    await open();
    expect((await order('pa', 'ada', { symbol: 'BTC-USDT', side: 'buy', quantity: 2 })).statusCode).toBe(201);
    expect((await order('pa', 'ada', { symbol: 'ETH-USDT', side: 'buy', quantity: 30 })).statusCode).toBe(
      201,
    );
    const resting = await order('pa', 'ada', {
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'limit',
      price: 50,
      quantity: 1,
    });
    expect(resting.json().order.status).toBe('new');
    // When she engages the kill switch with flatten
    const engaged = await post('/portfolios/pa/kill-switch', 'ada', { reason: 'leaving', flatten: true });
    // Then the answer carries a proof that holds: the limit cancelled by the venue, both closed
    expect(engaged.statusCode).toBe(200);
    const body = engaged.json();
    expect(body.cancelled).toBe(1);
    expect(body.haltProofUrl).toBe(`/api/v1/halts/${body.haltId}`);
    const proof = body.haltProof;
    expect(proof).toMatchObject({
      portfolioId: 'pa',
      scope: 'portfolio',
      flatten: true,
      halted: true,
      problems: [],
    });
    expect(proof.cancels).toHaveLength(1);
    expect(proof.cancels[0]).toMatchObject({
      clientOrderId: resting.json().order.clientOrderId,
      confirmed: true,
    });
    expect(proof.cancels[0].cancelledAt).toBeGreaterThanOrEqual(proof.engagedAt);
    expect(proof.flat.done).toBe(true);
    expect(proof.flat.timeToFlatMs).toBeGreaterThanOrEqual(0);
    expect(
      proof.flat.closes
        .map((c: { symbol: string; side: string; quantity: number; status: string }) => [
          c.symbol,
          c.side,
          c.quantity,
          c.status,
        ])
        .sort(),
    ).toEqual([
      ['BTC-USDT', 'sell', 2, 'filled'],
      ['ETH-USDT', 'sell', 30, 'filled'],
    ]);
    expect(t.books.positions('pa').every((p) => p.quantity === 0)).toBe(true);
    // And an order asked for after the switch is refused, and the proof read again counts it
    expect((await order('pa', 'ada', { symbol: 'BTC-USDT', side: 'buy', quantity: 1 })).statusCode).toBe(422);
    const again = await get(body.haltProofUrl, 'ada');
    expect(again.statusCode).toBe(200);
    expect(again.json().proofs).toHaveLength(1);
    expect(again.json().proofs[0]).toMatchObject({ halted: true, ordersAfter: [] });
    expect((await get('/api/v1/portfolios/pa/halts', 'ada')).json().proofs[0].haltId).toBe(body.haltId);
    // And another user learns nothing of it
    expect((await get(body.haltProofUrl, 'bob')).json().error.code).toBe('STRATEGY_HALT_NOT_FOUND');
  });

  it('without flatten the positions stay and the proof has no flat part', async () => {
    await open();
    await order('pa', 'ada', { symbol: 'BTC-USDT', side: 'buy', quantity: 1 });
    const body = (await post('/portfolios/pa/kill-switch', 'ada', { reason: 'pause' })).json();
    expect(body.haltProof).toMatchObject({ halted: true, flatten: false, cancels: [] });
    expect(body.haltProof.flat).toBeUndefined();
    expect(t.books.positions('pa').find((p) => p.symbol === 'BTC-USDT')?.quantity).toBe(1);
  });

  it("scopes: a user over their own account and venue; everything and other accounts are an admin's", async () => {
    await open();
    // A user may not stop everything, nor another account
    const all = await post('/kill-switch', 'bob', { scope: 'everything', reason: 'x' });
    expect([all.statusCode, all.json().error.code]).toEqual([403, 'STRATEGY_HALT_ADMIN_ONLY']);
    const other = await post('/kill-switch', 'bob', { scope: 'account', userId: 'ada', reason: 'x' });
    expect([other.statusCode, other.json().error.code]).toEqual([403, 'STRATEGY_HALT_ADMIN_ONLY']);
    const noVenue = await post('/kill-switch', 'bob', { scope: 'venue', reason: 'x' });
    expect([noVenue.statusCode, noVenue.json().error.code]).toEqual([400, 'STRATEGY_HALT_SCOPE_INVALID']);
    // Nothing was engaged by the refusals
    expect((await get('/api/v1/portfolios/pa/risk', 'ada')).json().killSwitch.engaged).toBe(false);
    // Bob over his own paper venue stops his portfolio only
    const venue = await post('/kill-switch', 'bob', { scope: 'venue', venue: 'paper', reason: 'mine' });
    expect(venue.statusCode).toBe(200);
    expect(venue.json().portfolios.map((p: { portfolioId: string }) => p.portfolioId)).toEqual(['pb']);
    // An admin over ada's account: her hand is the admin's
    const account = await post('/kill-switch', 'root', { scope: 'account', userId: 'ada', reason: 'review' });
    expect(account.json().portfolios[0]).toMatchObject({
      portfolioId: 'pa',
      killSwitch: { engaged: true, admin: { by: 'root' } },
    });
    expect(account.json().proofs[0]).toMatchObject({
      scope: 'account',
      target: 'ada',
      actor: 'admin',
      halted: true,
    });
  });
});
