/// <reference lib="dom" />
/**
 * The dashboard in a real Chromium against a real `tickline start`: sign-up and the seed 002
 * snapshot notification arriving live, keyboard-only sign-in, two-factor enrolment and the TOTP
 * sign-in step, API keys, sign-out; labels on every field; laptop and phone widths.
 */
import type { Browser, Dialog, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openPage as openPageIn,
  signUp as signUpIn,
  TEST_PASSWORD as PASSWORD,
  uniqueEmail as email,
} from './harness/accounts.ts';
import { chromiumBinary, isFocused, screenshot, Viewport } from './harness/browser.ts';
import { type Dashboard, startWithBrowser, stopWithBrowser } from './harness/dashboard.ts';
import { totpCode } from './harness/totp.ts';

describe.skipIf(!chromiumBinary.available)('web - accounts in the browser', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  beforeAll(async () => {
    [dashboard, browser] = await startWithBrowser();
  });
  afterAll(() => stopWithBrowser(dashboard, browser));

  const openPage = (viewport: { width: number; height: number } = Viewport.Laptop) =>
    openPageIn(browser, viewport);
  const signUp = (page: Page, address: string, displayName = 'Ada') =>
    signUpIn(page, dashboard.url, address, displayName);

  /** Every form control has an accessible name from a label. */
  async function unlabelledInputs(page: Page): Promise<string[]> {
    return page
      .locator('input, select, textarea')
      .evaluateAll((inputs) =>
        inputs
          .filter(
            (input) => (input as HTMLInputElement).labels?.length === 0 && !input.getAttribute('aria-label'),
          )
          .map((input) => input.outerHTML),
      );
  }

  it('web - sign-up shows the welcome snapshot notification as it arrives over the stream (seed 002)', async () => {
    const page = await openPage();
    await page.goto(dashboard.url);
    // Signed out: every page leads to sign-in.
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.getByRole('link', { name: 'Create an account' }).click();
    expect(await unlabelledInputs(page)).toEqual([]);
    await screenshot(page, 'sign-up');

    await signUp(page, email('ada'));
    // The toast and the bell come only from the stream event, not from the snapshot GET.
    const toast = page.locator('.toast', { hasText: 'Your paper portfolio is ready' });
    await toast.waitFor();
    expect(await toast.textContent()).toContain('$10,000.00 starting cash (free tier)');
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await page.getByTestId('portfolio-cash').getByText('$10,000.00').waitFor();
    await page.getByRole('button', { name: 'Notifications, 1 unread' }).click();
    const panel = page.getByRole('region', { name: 'Notifications', exact: true });
    await panel.getByText('Your paper portfolio is ready').waitFor();
    await screenshot(page, 'overview');

    // Escape closes the panel, marks it read and returns focus to the bell.
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(await isFocused(page.getByRole('button', { name: 'Notifications' }))).toBe(true);
    await page.context().close();
  });

  it('web - the connection indicator shows reconnecting when the stream drops, and live once it is back', async () => {
    const page = await openPage();
    // Every stream WebSocket goes through this route: the first is passed to the server; later
    // ones wait for `release`, so the reconnecting state lasts until the test has seen it.
    const sockets: WebSocketRoute[] = [];
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.routeWebSocket(/\/api\/v1\/ws/, async (ws) => {
      sockets.push(ws);
      if (sockets.length > 1) await released;
      ws.connectToServer();
    });
    await signUp(page, email('drop'), 'Drew');
    const indicator = page.locator('.connection');
    await page.locator('.connection[data-status="open"]').waitFor();
    expect(await indicator.textContent()).toBe('Live');

    // The gateway going away (1001) is a close the SDK reconnects after.
    await sockets[0]!.close({ code: 1001, reason: 'test: server going away' });
    await page
      .locator('.connection[data-status="reconnecting"], .connection[data-status="connecting"]')
      .waitFor();
    expect(await indicator.textContent()).toMatch(/Reconnecting|Connecting/);
    release();
    await page.locator('.connection[data-status="open"]').waitFor();
    expect(sockets.length).toBeGreaterThan(1);
    await page.context().close();
  });

  it('web - the sign-in form works from the keyboard alone, and sign-out returns to it', async () => {
    const address = email('kb');
    const setup = await openPage();
    await signUp(setup, address, 'Keys');
    await setup.context().close();

    const page = await openPage();
    await page.goto(`${dashboard.url}/sign-in`);
    expect(await unlabelledInputs(page)).toEqual([]);
    const emailField = page.getByLabel('Email');
    await emailField.waitFor();
    expect(await isFocused(emailField)).toBe(true);
    await page.keyboard.type(address);
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByLabel('Password'))).toBe(true);
    await page.keyboard.type('wrong password!!');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/./);

    await page.getByLabel('Password').fill('');
    await page.getByLabel('Password').focus();
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByRole('button', { name: 'Sign in' }))).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Welcome, Keys' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // The session is gone, not only hidden: a reload stays signed out.
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.context().close();
  });

  it('web - two-factor enrolment, then sign-in asks for the code', async () => {
    const address = email('totp');
    const page = await openPage();
    await signUp(page, address, 'Tess');
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('button', { name: 'Set up two-factor' }).click();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    await page.getByText("Can't scan? Enter the key by hand").click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    await screenshot(page, 'two-factor');
    await page.getByLabel('Code from the app').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Turn on two-factor' }).click();
    await page.getByRole('region', { name: 'Recovery codes' }).waitFor();
    expect(await page.locator('.code-list li').count()).toBeGreaterThan(0);
    await page.getByRole('heading', { name: /Two-factor authentication\s*On/ }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').fill(address);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Two-factor code' }).waitFor();
    // The next period's code: the one used to activate cannot be replayed.
    await page.getByLabel('Code', { exact: true }).fill(totpCode(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Welcome, Tess' }).waitFor();
    await page.context().close();
  });

  it('web - an API key is shown once, listed by prefix, and revoked', async () => {
    const page = await openPage();
    await signUp(page, email('keys'), 'Kim');
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByText('No API keys yet').waitFor();
    await page.getByLabel('Name').fill('trading bot');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('new-api-key').textContent())!.trim();
    expect(secret.length).toBeGreaterThan(20);
    await page.locator('.key', { hasText: 'trading bot' }).waitFor();
    await screenshot(page, 'api-keys');

    // The key works against the API.
    const me = await fetch(`${dashboard.url}/api/v1/me`, { headers: { 'x-api-key': secret } });
    expect(me.status).toBe(200);

    page.once('dialog', (dialog: Dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Revoke trading bot' }).click();
    await page.getByText('No API keys yet').waitFor();
    await page.context().close();
  });

  it('web - pages fit a phone screen: no sideways scrolling; navigation, status and notifications stay reachable', async () => {
    const page = await openPage(Viewport.Phone);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await signUp(page, email('phone'), 'Pat');
    await page.getByTestId('portfolio').waitFor();
    await screenshot(page, 'overview-phone-first');
    expect(await overflow()).toBeLessThanOrEqual(0);
    for (const name of ['Overview', 'Markets', 'Game', 'Security', 'API keys']) {
      expect(await page.getByRole('link', { name, exact: true }).isVisible()).toBe(true);
    }
    await page.getByRole('button', { name: /Notifications/ }).waitFor();
    await screenshot(page, 'overview-phone');

    for (const [link, ready] of [
      ['Markets', page.locator('tbody tr').first()],
      ['Game', page.getByRole('button', { name: 'Play' })],
      ['API keys', page.getByRole('button', { name: 'Create key' })],
      ['Security', page.getByRole('button', { name: 'Set up two-factor' })],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await ready.waitFor();
      expect(await overflow(), link).toBeLessThanOrEqual(0);
    }
    await page.getByRole('link', { name: 'Markets', exact: true }).click();
    await page.locator('tbody tr th a').first().click();
    await page.getByTestId('candle-chart').waitFor();
    expect(await overflow(), 'market chart').toBeLessThanOrEqual(0);
    await screenshot(page, 'market-phone');
    await page.context().close();
  });
});
