/**
 * The kill switch's halt proof through a real `tickline start` (embedded default, paper venue):
 * a portfolio holding BTC with a resting limit order engages the switch with `flatten`; the
 * answer links the proof, which — read again from the order journal — shows the limit confirmed
 * cancelled by the venue, the position closed by its market order with the time to flat, and no
 * order after the switch; an order asked for afterwards is refused and the proof still holds.
 * The operator's CLI reads the same proof.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  embeddedTestEnv,
  runTickline,
  startTicklineServer,
  until,
  type RunningServer,
} from '@tickline/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { callJson, signUpAndIn } from '../testing/api-clients.ts';
import { placeOrder, portfolioOpened } from '../testing/portfolio-clients.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-halt-proof-'));
let server: RunningServer | undefined;

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

interface Proof {
  halted: boolean;
  engagedAt: number;
  ordersAfter: unknown[];
  refusedAfter: number;
  cancels: Array<{ clientOrderId: string; confirmed: boolean; cancelledAt?: number }>;
  flat?: {
    done: boolean;
    timeToFlatMs?: number;
    closes: Array<{ symbol: string; side: string; status: string }>;
  };
  problems: string[];
}

describe('kill switch - a halt proof with flatten through tickline start', () => {
  it('engage with flatten → limit cancelled by the venue, position closed, nothing after; proof readable', async () => {
    server = await startTicklineServer(embeddedTestEnv(dataDir));
    const url = server.url;
    const user = await signUpAndIn(url, 'halt@example.test');
    const portfolio = user.userId;
    const api = (method: string, path: string, body?: unknown) =>
      callJson(url, method, `/api/v1${path}`, {
        bearer: user.accessToken,
        ...(body === undefined ? {} : { body }),
      });
    await portfolioOpened(url, user.accessToken, portfolio);
    // Given a position in BTC (a market buy fills at the next trade) and a limit buy far below
    const bought = await placeOrder(url, user.accessToken, portfolio, {
      symbol: 'BTC-USDT',
      side: 'buy',
      quantity: 0.01,
    });
    expect(bought.status, JSON.stringify(bought.body)).toBe(201);
    const held = async () =>
      (
        (await api('GET', `/portfolios/${portfolio}`)).body.positions as Array<{
          symbol: string;
          quantity: number;
        }>
      ).find((p) => p.symbol === 'BTC-USDT')?.quantity ?? 0;
    await until(async () => (await held()) > 0, {
      what: 'the buy filled',
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    const limit = await placeOrder(url, user.accessToken, portfolio, {
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'limit',
      price: 1_000,
      quantity: 0.001,
    });
    expect(limit.body.order.status).toBe('new');
    // When the owner engages the switch with flatten
    const engaged = await api('POST', `/portfolios/${portfolio}/kill-switch`, {
      reason: 'e2e halt',
      flatten: true,
    });
    expect(engaged.status, JSON.stringify(engaged.body)).toBe(200);
    expect(engaged.body.cancelled).toBe(1);
    expect(engaged.body.haltProofUrl).toBe(`/api/v1/halts/${engaged.body.haltId}`);
    // Then the proof, read again from the journal, holds once the close filled at the next trade
    let proof: Proof | undefined;
    await until(
      async () => {
        const read = await callJson(url, 'GET', engaged.body.haltProofUrl, { bearer: user.accessToken });
        proof = (read.body.proofs as Proof[])[0];
        return proof?.flat?.done === true;
      },
      { what: 'the position closed', timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(proof!.problems).toEqual([]);
    expect(proof!.halted).toBe(true);
    expect(proof!.ordersAfter).toEqual([]);
    expect(proof!.cancels).toHaveLength(1);
    expect(proof!.cancels[0]).toMatchObject({
      clientOrderId: limit.body.order.clientOrderId,
      confirmed: true,
    });
    expect(proof!.cancels[0]!.cancelledAt).toBeGreaterThanOrEqual(proof!.engagedAt);
    expect(proof!.flat!.closes).toEqual([
      expect.objectContaining({ symbol: 'BTC-USDT', side: 'sell', status: 'filled' }),
    ]);
    expect(proof!.flat!.timeToFlatMs).toBeGreaterThanOrEqual(0);
    expect(await held()).toBeCloseTo(0, 9);
    // And an order asked for after the switch is refused, which the proof counts and still holds
    const refused = await placeOrder(url, user.accessToken, portfolio, {
      symbol: 'BTC-USDT',
      side: 'buy',
      quantity: 0.001,
    });
    expect(refused.status).toBe(422);
    const after = (await api('GET', `/portfolios/${portfolio}/halts`)).body.proofs[0] as Proof;
    expect(after).toMatchObject({ halted: true, refusedAfter: 1 });
    // And the CLI reads the same proof over the API
    const cli = await runTickline(['kill-switch', 'proof', engaged.body.haltId, '--json'], {
      TICKLINE_URL: url,
      TICKLINE_TOKEN: user.accessToken,
    });
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout).proofs[0]).toMatchObject({ halted: true, portfolioId: portfolio });
  }, 240_000);
});
