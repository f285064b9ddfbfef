import type { IncomingMessage } from 'node:http';
import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { createStreamTicketIssuer } from '../auth/stream-ticket.ts';
import { createChannelAuthorizer, createEventFilter } from '../channels/channel-rules.ts';
import { createStreamAuthenticator, STREAM_CHANNEL_RULES, type StreamPrincipal } from './stream-auth.ts';

const ADA = '01a20158-8c4b-767c-9f41-34690b545512';
const BOB = '01a20158-8c4b-767c-9f41-34690b545513';
const authorize = createChannelAuthorizer(STREAM_CHANNEL_RULES, { scopesOf: (p) => p.scopes });
const user = (userId: string): StreamPrincipal => ({ userId, role: 'user', sv: 0 });
const admin: StreamPrincipal = { userId: BOB, role: 'admin', sv: 0 };

const request = (url: string, cookie?: string) =>
  ({ url, headers: cookie ? { cookie } : {} }) as unknown as IncomingMessage;
const clock = new ManualClock(1_800_000_000_000);
const tickets = createStreamTicketIssuer({ secret: 't'.repeat(32), ttlMs: 60_000, clock });
// Identity's host answers null for an expired or forged token.
const verifyAccessToken = async (token: string): Promise<StreamPrincipal | null> =>
  token === 'good-token' ? { userId: ADA, role: 'admin', sv: 0 } : null;
const authenticate = createStreamAuthenticator(verifyAccessToken, tickets);

describe('stream auth - channel rules', () => {
  it('rules - user:{id} is only for that user, admins included', async () => {
    expect(await authorize(user(ADA), `user:${ADA}`)).toBe(true);
    expect(await authorize(user(BOB), `user:${ADA}`)).toBe(false);
    expect(await authorize(admin, `user:${ADA}`)).toBe(false);
  });

  it('rules - market and game channels are for any signed-in user; admin channels for admins', async () => {
    expect(await authorize(user(ADA), 'market:BTC-USD:trades')).toBe(true);
    expect(await authorize(user(ADA), 'game:zone-1')).toBe(true);
    expect(await authorize(user(ADA), 'admin:game')).toBe(false);
    expect(await authorize(admin, 'admin:game')).toBe(true);
  });

  it('rules - a channel no rule names is refused', async () => {
    expect(await authorize(admin, 'secret:stuff')).toBe(false);
    expect(await authorize(admin, `user:${ADA}:extra`)).toBe(false);
  });
});

describe('stream auth - the events of user:{id} follow the scopes of their data', () => {
  const receives = createEventFilter(STREAM_CHANNEL_RULES, { scopesOf: (p) => p.scopes });
  const keyed = (...scopes: string[]): StreamPrincipal => ({
    ...user(ADA),
    scopes: ['stream:read', ...scopes],
  });
  const on = (principal: StreamPrincipal, type: string, channel = `user:${ADA}`) =>
    receives(principal)?.({ channel, type }) ?? true;

  it('events - a stream:read key receives no order, fill, inbox, backtest or signal; each with its REST scope', () => {
    const cases: Array<[type: string, scope: string]> = [
      ['order.placed', 'portfolio:read'],
      ['portfolio.order.filled', 'portfolio:read'],
      ['account.snapshot.generated', 'portfolio:read'],
      ['strategy.live.paused', 'portfolio:read'],
      ['strategy.signal', 'signals:read'],
      ['backtest.completed', 'strategies:read'],
      ['research.progress', 'strategies:read'],
      ['notification.inbox.added', 'notifications:read'],
    ];
    for (const [type, scope] of cases) {
      expect(on(keyed(), type), type).toBe(false);
      expect(on(keyed(scope), type), type).toBe(true);
    }
    // A type nobody mapped reaches no key; a signed-in user (no scopes) receives everything.
    expect(on(keyed('portfolio:read', 'notifications:read'), 'made.up')).toBe(false);
    expect(receives(user(ADA))).toBeUndefined();
    // Channels without event scopes are not filtered.
    expect(on(keyed('market:read'), 'market.trade', 'market:BTC-USD:trades')).toBe(true);
  });
});

describe('stream auth - credentials', () => {
  it('credentials - a valid ticket in the URL gives its user and role', async () => {
    const ticket = tickets.issue(BOB, { role: 'admin' });
    expect(await authenticate(request(`/api/v1/stream?channels=x&ticket=${ticket}`))).toEqual(admin);
    expect(await authenticate(request(`/api/v1/stream?ticket=${tickets.issue(ADA)}`))).toEqual(user(ADA));
  });

  it('credentials - a ticket carries the session version and an API key’s scopes; admin:* needs the admin scope', async () => {
    const ticket = tickets.issue(BOB, { role: 'admin', sv: 42, scopes: ['stream:read'] });
    const keyHolder = await authenticate(request(`/api/v1/stream?ticket=${ticket}`));
    expect(keyHolder).toEqual({ userId: BOB, role: 'admin', sv: 42, scopes: ['stream:read'] });
    expect(await authorize(keyHolder!, 'admin:game')).toBe(false);
    // Market channels need the key's market:read scope too; a signed-in user (no scopes) has every one.
    expect(await authorize(keyHolder!, 'market:BTC-USD:trades')).toBe(false);
    expect(
      await authorize({ ...keyHolder!, scopes: ['stream:read', 'market:read'] }, 'market:BTC-USD:trades'),
    ).toBe(true);
    expect(await authorize({ ...keyHolder!, scopes: ['stream:read', 'admin'] }, 'admin:game')).toBe(true);
  });

  it('credentials - an expired or forged ticket refuses, without falling back to the cookie', async () => {
    const ticket = tickets.issue(BOB);
    clock.advance(60_001);
    expect(await authenticate(request(`/?ticket=${ticket}`, 'tickline_session=good-token'))).toBeNull();
    expect(await authenticate(request(`/?ticket=v1.e30.AAAA`))).toBeNull();
  });

  it('credentials - the session cookie is verified as an access token', async () => {
    expect(await authenticate(request('/api/v1/stream', 'a=1; tickline_session=good-token'))).toEqual({
      userId: ADA,
      role: 'admin',
      sv: 0,
    });
    expect(await authenticate(request('/api/v1/stream', 'tickline_session=forged'))).toBeNull();
    expect(await authenticate(request('/api/v1/stream'))).toBeNull();
  });
});
