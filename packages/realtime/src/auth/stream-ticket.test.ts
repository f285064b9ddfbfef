import { ManualClock } from '@tickline/kernel';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createTicketAuthenticator, readCookie } from './credentials.ts';
import { createStreamTicketIssuer } from './stream-ticket.ts';

const SECRET = 's'.repeat(32);

describe('stream tickets', () => {
  it('tickets - a fresh ticket verifies with its subject and attributes', () => {
    const clock = new ManualClock(1_000_000);
    const issuer = createStreamTicketIssuer({ secret: SECRET, clock });
    const verified = issuer.verify(issuer.issue('user-1', { role: 'admin' }));
    expect(verified).toMatchObject({
      ok: true,
      claims: { sub: 'user-1', attrs: { role: 'admin' }, exp: 1_060_000 },
    });
  });

  it('tickets - expire after the TTL', () => {
    const clock = new ManualClock(1_000_000);
    const issuer = createStreamTicketIssuer({ secret: SECRET, clock, ttlMs: 5_000 });
    const ticket = issuer.issue('user-1');
    clock.advance(4_999);
    expect(issuer.verify(ticket).ok).toBe(true);
    clock.advance(1);
    expect(issuer.verify(ticket)).toEqual({ ok: false, reason: 'expired' });
  });

  it('tickets - forged, tampered, truncated and foreign tickets are refused', () => {
    const issuer = createStreamTicketIssuer({ secret: SECRET });
    const other = createStreamTicketIssuer({ secret: 'o'.repeat(32) });
    const ticket = issuer.issue('user-1');
    const [v, claims, sig] = ticket.split('.') as [string, string, string];
    const forgedClaims = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(claims, 'base64url').toString()), sub: 'admin' }),
    ).toString('base64url');
    expect(issuer.verify(other.issue('user-1'))).toEqual({ ok: false, reason: 'signature' });
    expect(issuer.verify(`${v}.${forgedClaims}.${sig}`)).toEqual({ ok: false, reason: 'signature' });
    expect(issuer.verify(`${v}.${claims}`)).toEqual({ ok: false, reason: 'malformed' });
    expect(issuer.verify(`v2.${claims}.${sig}`)).toEqual({ ok: false, reason: 'malformed' });
    expect(issuer.verify('')).toEqual({ ok: false, reason: 'malformed' });
    expect(issuer.verify('x'.repeat(5000))).toEqual({ ok: false, reason: 'malformed' });
    // A JWT-looking token with alg:none is not a ticket.
    expect(issuer.verify('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('tickets - rotation: the first secret signs, any listed secret verifies', () => {
    const old = createStreamTicketIssuer({ secret: 'o'.repeat(32) });
    const rotated = createStreamTicketIssuer({ secret: [SECRET, 'o'.repeat(32)] });
    expect(rotated.verify(old.issue('u')).ok).toBe(true);
    expect(old.verify(rotated.issue('u')).ok).toBe(false);
  });

  it('tickets - short secrets and bad TTLs are refused', () => {
    expect(() => createStreamTicketIssuer({ secret: 'short' })).toThrow(
      expect.objectContaining({ code: 'RT_INVALID_OPTIONS' }),
    );
    expect(() => createStreamTicketIssuer({ secret: SECRET, ttlMs: 0 })).toThrow(
      expect.objectContaining({ code: 'RT_INVALID_OPTIONS' }),
    );
  });

  it('tickets - the authenticator reads the query parameter or the cookie', async () => {
    const issuer = createStreamTicketIssuer({ secret: SECRET });
    const authenticate = createTicketAuthenticator({
      issuer,
      cookie: 'tl_stream',
      toPrincipal: (c) => ({ id: c.sub }),
    });
    const ticket = issuer.issue('u1');
    const request = (url: string, cookie?: string) =>
      ({ url, headers: cookie ? { cookie } : {} }) as IncomingMessage;
    expect(await authenticate(request(`/s?ticket=${ticket}`))).toEqual({ id: 'u1' });
    expect(await authenticate(request('/s', `a=1; tl_stream=${ticket}`))).toEqual({ id: 'u1' });
    expect(await authenticate(request('/s'))).toBeNull();
    expect(await authenticate(request('/s?ticket=nope'))).toBeNull();
    expect(readCookie(request('/', 'x=%20y'), 'x')).toBe(' y');
  });
});
