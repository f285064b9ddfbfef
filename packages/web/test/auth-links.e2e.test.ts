/// <reference lib="dom" />
/**
 * The pages a link from outside opens, in a real Chromium against a real `tickline start`: the
 * email verification link (printed to the log on the embedded default, which has no mail), and
 * sign-in through an OpenID provider — a real `oidc-provider` on loopback, whose own login and
 * consent pages the browser fills — including the two-factor code a provider alone cannot skip.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@tickline/testing';
import Provider from 'oidc-provider';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, signUp, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, launchBrowser, screenshot, Viewport } from './harness/browser.ts';
import { initialAdmin, startDashboard, type Dashboard } from './harness/dashboard.ts';
import { totpCode } from './harness/totp.ts';

const CLIENT_ID = 'tickline';
const CLIENT_SECRET = 'tickline-browser-test-secret';

/** An OpenID provider on loopback whose accounts are whatever login the form is given. */
async function startProvider(redirectUri: string): Promise<{ issuer: string; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, email: `${sub}@idp.test`, email_verified: true, name: `Idp ${sub}` }),
    }),
    pkce: { required: () => true },
    cookies: { keys: ['oidc-provider-browser-test-key'] },
  });
  const handle = provider.callback();
  server.on('request', (req, res) => void handle(req, res));
  return { issuer, server };
}

describe.skipIf(!chromiumBinary.available)('web - verification and provider sign-in pages', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  let idp: { issuer: string; server: Server };

  beforeAll(async () => {
    const port = await freePort();
    // The provider must know the callback before the dashboard starts, so the port is fixed first.
    idp = await startProvider(`http://127.0.0.1:${port}/auth/callback/idp`);
    [dashboard, browser] = await Promise.all([
      startDashboard({
        TICKLINE_HTTP_PORT: String(port),
        TICKLINE_AUTH_OIDC_PROVIDERS: JSON.stringify([
          {
            id: 'idp',
            name: 'Test IdP',
            issuer: idp.issuer,
            clientId: CLIENT_ID,
            clientSecret: CLIENT_SECRET,
            redirectUri: `http://127.0.0.1:${port}/auth/callback/idp`,
            allowInsecureRequests: true,
          },
        ]),
      }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
    await new Promise((resolve) => idp?.server.close(resolve));
  });

  /** The provider's own pages: its login form (any password), then consent. */
  async function throughProvider(page: Page, login: string): Promise<void> {
    await page.getByRole('link', { name: 'Sign in with Test IdP' }).click();
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    // Consent is asked once per account and client.
    const consent = page.locator('form[autocomplete="off"] button[type="submit"]', { hasText: /continue/i });
    await Promise.race([
      consent.click({ timeout: 10_000 }).catch(() => {}),
      page.waitForURL(/\/auth\/callback\/idp/, { timeout: 10_000 }).catch(() => {}),
    ]);
  }

  /** What an admin hands over on an install without mail: a fresh link, from the API only. */
  async function adminLinkFor(address: string): Promise<string> {
    const { email, password } = initialAdmin(dashboard);
    const call = async (path: string, init: RequestInit = {}) =>
      (await (await fetch(`${dashboard.url}/api/v1${path}`, init)).json()) as Record<string, any>;
    const signedIn = await call('/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const headers = { authorization: `Bearer ${signedIn.tokens.accessToken}` };
    const { users } = await call(`/admin/users?email=${encodeURIComponent(address)}`, { headers });
    return (await call(`/admin/users/${users[0].id}/email-verification-link`, { method: 'POST', headers }))
      .path;
  }

  it('web - the verification link an admin hands over opens the page, which verifies on a click', async () => {
    const page = await openPage(browser);
    const address = uniqueEmail('verify');
    await signUp(page, dashboard.url, address, 'Vera');
    const link = await adminLinkFor(address);
    expect(link).toMatch(/^\/verify-email\?token=/);
    await page.goto(`${dashboard.url}${link}`);
    await page.getByRole('heading', { name: 'Verify your email' }).waitFor();
    await page.getByRole('button', { name: 'Confirm this address' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `${address} is verified.` })
      .waitFor();
    await screenshot(page, 'verify-email');
    // A link is spent once: opening it again says so.
    await page.goto(`${dashboard.url}${link}`);
    await page.getByRole('button', { name: 'Confirm this address' }).click();
    await page.locator('p.form-error').waitFor();
    await page.goto(`${dashboard.url}/verify-email`);
    await page.getByText('This link has no token').waitFor();
    await page.context().close();
  });

  it('web - sign-in with the provider: its pages, the callback, the overview', async () => {
    const page = await openPage(browser);
    await page.goto(`${dashboard.url}/sign-in`);
    await throughProvider(page, 'alice');
    await page.getByRole('heading', { name: 'Welcome, Idp alice' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.context().close();
  });

  it('web - with two-factor on, the provider leads to the code form before any session', async () => {
    const first = await openPage(browser);
    await first.goto(`${dashboard.url}/sign-in`);
    await throughProvider(first, 'heidi');
    await first.getByRole('heading', { name: 'Welcome, Idp heidi' }).waitFor();
    await first.getByRole('link', { name: 'Security' }).click();
    await first.getByRole('button', { name: 'Set up two-factor' }).click();
    await first.getByText("Can't scan? Enter the key by hand").click();
    const secret = (await first.getByTestId('totp-secret').textContent())!.trim();
    await first.getByLabel('Code from the app').fill(totpCode(secret));
    await first.getByRole('button', { name: 'Turn on two-factor' }).click();
    await first.getByRole('region', { name: 'Recovery codes' }).waitFor();
    await first.context().close();

    const page = await openPage(browser, Viewport.Phone);
    await page.goto(`${dashboard.url}/sign-in`);
    await throughProvider(page, 'heidi');
    await page.getByRole('heading', { name: 'Two-factor code' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/auth/callback/idp');
    await screenshot(page, 'oidc-two-factor-phone');
    await page.getByLabel('Code', { exact: true }).fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Code', { exact: true }).fill(totpCode(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Welcome, Idp heidi' }).waitFor();
    await page.context().close();
  });
});
