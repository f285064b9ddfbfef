import { describe, expect, it } from 'vitest';
import { AccountSecurityChanged } from '../events.ts';
import { createTestIdentity, GOOD_PASSWORD } from '../testing/identity-test-kit.ts';
import { createTestHttpApp } from '../testing/test-http-app.ts';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

/**
 * An account signed up from Firefox at the socket address every injected request has
 * (127.0.0.1), then signed in over HTTP from Firefox with `X-Forwarded-For: 198.51.100.4`; the
 * new-sign-in notices that published.
 */
async function signInForwarded(trustProxy: string | boolean) {
  const kit = createTestIdentity();
  const app = await createTestHttpApp(kit.service, { trustProxy });
  const email = `origin-${String(trustProxy)}@example.com`;
  await kit.service.signUp({ email, password: GOOD_PASSWORD }, { userAgent: FIREFOX, address: '127.0.0.1' });
  const signIn = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    headers: { 'user-agent': FIREFOX, 'x-forwarded-for': '198.51.100.4' },
    payload: { email, password: GOOD_PASSWORD },
  });
  expect(signIn.statusCode).toBe(200);
  await app.close();
  return kit.events
    .filter((e) => e.type === AccountSecurityChanged.type)
    .map((e) => e.data as Record<string, unknown>);
}

describe('request origin', () => {
  it('origin - a client cannot name its own address: without a trusted proxy the header is ignored', async () => {
    expect(await signInForwarded(false)).toEqual([]);
  });

  it('origin - behind a trusted proxy the forwarded address is the one a sign-in is judged by', async () => {
    expect(await signInForwarded('loopback')).toEqual([
      expect.objectContaining({ change: 'new_sign_in', device: 'Firefox on Linux', address: '198.51.100.4' }),
    ]);
  });
});
