/**
 * @module The seed 002 flow against a running `tickline` (one suite, run on the embedded database
 * and on PostgreSQL): sign-up answers at once; the account's snapshot is generated asynchronously
 * and reaches that user — and only that user — over a real EventSource and a real WebSocket.
 */
import { DEFAULT_TIER_LIMITS } from '@tickline/identity';
import { expect, it } from 'vitest';
import {
  callJson,
  openEventSource,
  openWebSocket,
  signUpAndIn,
  streamTicket,
  type StreamClient,
} from './api-clients.ts';

const SNAPSHOT = 'account.snapshot.generated';

/** Registers the suite's cases; `base` is read when they run. */
export function accountFlowCases(base: () => string, label: string): void {
  const clients: StreamClient[] = [];
  const track = <T extends StreamClient>(client: T): T => (clients.push(client), client);
  const email = (name: string) => `${name}.${label}.${Date.now()}@example.com`;

  it(`seed 002 (${label}) - the snapshot reaches its user over SSE and WebSocket after the sign-up response, and no one else`, async () => {
    try {
      const ada = await signUpAndIn(base(), email('ada'));
      const bob = await signUpAndIn(base(), email('bob'));
      expect(ada.signUp.body).toMatchObject({ status: 'signed_in', user: { role: 'user', tier: 'free' } });
      expect(ada.signUp.body).not.toHaveProperty('snapshot');
      expect(ada.signUp.headers.get('cache-control')).toBe('no-store');

      // lastEventId = the user id (a UUIDv7, the account's creation time): events published on the
      // channel since the account exists are replayed, whether they came before the stream or not.
      const channel = `user:${ada.userId}`;
      const adaSse = track(
        openEventSource(base(), {
          channels: [channel],
          types: [SNAPSHOT],
          ticket: await streamTicket(base(), ada.accessToken),
          lastEventId: ada.userId,
        }),
      );
      const adaWs = track(
        await openWebSocket(base(), { channels: [channel], cookie: ada.cookie, lastEventId: ada.userId }),
      );
      const bobSse = track(
        openEventSource(base(), {
          channels: [`user:${bob.userId}`],
          types: [SNAPSHOT],
          cookie: bob.cookie,
          lastEventId: bob.userId,
        }),
      );

      const viaSse = await adaSse.next(SNAPSHOT);
      expect(viaSse.channel).toBe(channel);
      expect(viaSse.data).toEqual({
        accountId: ada.userId,
        tier: 'free',
        currency: 'USDT',
        cash: '10000.00',
        positions: [],
        generatedAt: expect.any(String),
      });
      expect(viaSse.at).toBeGreaterThan(ada.signUp.receivedAt);
      expect(Date.parse(viaSse.data.generatedAt)).toBeGreaterThanOrEqual(
        Date.parse(ada.signUp.body.user.createdAt),
      );
      const viaWs = await adaWs.next(SNAPSHOT);
      expect(viaWs).toMatchObject({ id: viaSse.id, channel, data: viaSse.data });

      const bobs = await bobSse.next(SNAPSHOT);
      expect(bobs.data.accountId).toBe(bob.userId);
      const snapshot = await callJson(base(), 'GET', '/api/v1/accounts/me/snapshot', {
        bearer: ada.accessToken,
      });
      expect(snapshot.body).toEqual({ status: 'ready', snapshot: viaSse.data });
      // /api/v1 is rate limited: a free user's budget.
      const free = DEFAULT_TIER_LIMITS.free;
      expect(snapshot.headers.get('ratelimit-policy')).toBe(
        `${free.requestsPerMinute};w=60;burst=${free.burst}`,
      );

      // Each stream got exactly its own user's snapshot, once.
      for (const [client, userId] of [
        [adaSse, ada.userId],
        [adaWs, ada.userId],
        [bobSse, bob.userId],
      ] as const) {
        const snapshots = client.events.filter((e) => e.type === SNAPSHOT);
        expect(snapshots.map((e) => e.data.accountId)).toEqual([userId]);
      }
    } finally {
      for (const client of clients.splice(0)) client.close();
    }
  });

  it(`seed 002 (${label}) - another user's channel is refused on both transports, and a stream needs credentials`, async () => {
    try {
      const ada = await signUpAndIn(base(), email('ada2'));
      const eve = await signUpAndIn(base(), email('eve'));
      const other = `user:${ada.userId}`;
      const sse = track(
        openEventSource(base(), { channels: [other], types: [SNAPSHOT], cookie: eve.cookie }),
      );
      expect(await sse.refused).toBe(403);
      const anonymous = track(openEventSource(base(), { channels: [`user:${eve.userId}`], types: [] }));
      expect(await anonymous.refused).toBe(401);
      const forged = track(
        openEventSource(base(), { channels: [`user:${eve.userId}`], types: [], ticket: 'v1.forged.ticket' }),
      );
      expect(await forged.refused).toBe(401);
      const ws = track(await openWebSocket(base(), { channels: [other], cookie: eve.cookie }));
      const error = await ws.next('error');
      expect(error.data).toMatchObject({ code: 'RT_FORBIDDEN' });
      expect(ws.events.some((e) => e.type === 'subscribed')).toBe(false);
    } finally {
      for (const client of clients.splice(0)) client.close();
    }
  });
}
