import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../protocol/close-codes.ts';
import { createMemoryConnectionCounter } from '../limits/connection-counter.ts';
import { until } from '@tickline/testing';
import { startTestGateway, TEST_COOKIE, type TestGateway } from '../testing/test-gateway.ts';

const gateways: TestGateway[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  for (const g of gateways.splice(0)) await g.close();
});

/** Opens a socket as `userId`; resolves with the upgrade status or 101 and a close promise. */
function open(t: TestGateway, userId: string) {
  const ws = new WebSocket(t.wsUrl, { headers: { cookie: `${TEST_COOKIE}=${t.ticket(userId)}` } });
  sockets.push(ws);
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const status = new Promise<number>((resolve) => {
    ws.on('open', () => resolve(101));
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => {});
  });
  return { ws, status, closed };
}

describe('gateway - streams per user and revocation', () => {
  it('limit - a user holds at most the tier’s streams across two gateways; closing one frees a slot', async () => {
    const counter = createMemoryConnectionCounter(); // one counter = what Redis gives every gateway
    const principals = { counter, connectionLimit: (user: { id: string }) => ({ key: user.id, max: 2 }) };
    const a = await startTestGateway({ gateway: { principals } });
    const b = await startTestGateway({ gateway: { principals } });
    gateways.push(a, b);
    const first = open(a, 'ada');
    const second = open(b, 'ada');
    expect([await first.status, await second.status]).toEqual([101, 101]);
    expect(await open(a, 'ada').status).toBe(429);
    const sse = await fetch(b.streamUrl(['market:BTC-USD:trades'], 'ada'));
    expect(sse.status).toBe(429);
    expect(await sse.json()).toMatchObject({
      error: { code: 'RT_USER_CONNECTION_LIMIT', details: { max: 2 } },
    });
    expect(await open(a, 'bob').status).toBe(101); // another user is not affected
    first.ws.close();
    await first.closed;
    await until(() => a.gateway.stats().ws.connections + b.gateway.stats().ws.connections === 2, {
      timeoutMs: 30_000,
      what: 'a release',
    });
    expect(await open(a, 'ada').status).toBe(101);
    expect(await a.metrics.metrics()).toContain(
      'tickline_realtime_principal_refusals_total{reason="user_limit"}',
    );
  });

  it('revocation - open streams of a revoked user are closed with 4503; a resume with the old ticket is refused', async () => {
    const revoked = new Set<string>();
    const t = await startTestGateway({
      gateway: { principals: { isCurrent: (user) => !revoked.has(user.id), recheckIntervalMs: 50 } },
    });
    gateways.push(t);
    const ws = open(t, 'eve');
    const other = open(t, 'frank');
    expect(await ws.status).toBe(101);
    expect(await other.status).toBe(101);
    const sse = await fetch(t.streamUrl(['market:BTC-USD:trades'], 'eve'));
    expect(sse.status).toBe(200);
    revoked.add('eve');
    expect(await ws.closed).toBe(CloseCode.SessionRevoked);
    await until(() => t.gateway.stats().sse.connections === 0, {
      timeoutMs: 30_000,
      what: 'the SSE stream closed',
    });
    expect(other.ws.readyState).toBe(WebSocket.OPEN);
    expect(await open(t, 'eve').status).toBe(401);
    const resume = await fetch(`${t.streamUrl(['market:BTC-USD:trades'], 'eve')}&lastEventId=x`);
    expect(await resume.json()).toMatchObject({ error: { code: 'RT_SESSION_REVOKED' } });
  });
});
