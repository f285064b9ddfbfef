/// <reference lib="dom" />
/**
 * Operations in the browser: the first-run admin signs in; a player joins a zone and the zone's
 * CCU rises on the admin page without a reload; the admin takes a snapshot (it stays in place while
 * hot snapshots keep arriving), restores it, and broadcasts a notice that the player's game page
 * shows. The admin stops another user's portfolio
 * from a live strategy's row (the kill switch's admin hand): the owner's next order is refused; the
 * admin releases it from the kill switch card and an order is accepted again. The Data section shows
 * the backup schedule, its last run and kept archives, and the archive tier.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTicklineClient, isTicklineApiError, type TicklineClient } from '@tickline/client';
import type { Browser, Dialog, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATE_OFF_ENV } from '@tickline/testing';
import { openPage, signUp, TEST_PASSWORD, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, screenshot } from './harness/browser.ts';
import { openOperations, OperationsSection } from './harness/operations.ts';
import {
  BROWSER_PACE_ENV,
  type Dashboard,
  initialAdmin,
  startWithBrowser,
  stopWithBrowser,
} from './harness/dashboard.ts';

/** Waits on server work (a portfolio opening, a live run starting): generous, CI runs suites side by side. */
const SERVER_WAIT_MS = 60_000;
/** A strategy that only watches: a live run that places nothing. */
const WATCHER = `export default defineStrategy({
  onCandle() {},
});
`;
/**
 * The tallest an Operations section may be at the laptop viewport (1280×800): the page was one
 * 5,500 px scroll before it was split into sections (issue 48 item 7).
 */
const MAX_SECTION_HEIGHT_PX = 2_500;
/** Daily at 03:00 UTC: a next run to show, and no backup running under the other tests. */
const BACKUP_SCHEDULE = '0 3 * * *';
/** The kept archives, newest first, as `backup.dir` holds them (their names carry the time). */
const KEPT_ARCHIVES = [
  { name: 'tickline-backup-2026-11-26T03-00-00-000Z.tar.gz', bytes: 3 * 1024 * 1024 },
  { name: 'tickline-backup-2026-11-25T03-00-00-000Z.tar.gz', bytes: 1536 },
];
/** The last run a scheduled backup recorded in `backup.dir` (what the server reports after a restart). */
const FAILED_RUN = {
  startedAt: '2026-11-27T03:00:00.000Z',
  durationMs: 812,
  ok: false,
  pruned: [],
  error: { code: 'SERVER_BACKUP_TOOL_FAILED', message: 'pg_dump exited with code 1' },
};

/**
 * A backup.dir as the schedule leaves it after a run that failed: two archives from the days before
 * and `last-backup.json` recording the failure (the schedule's own runs and failures are tested in
 * the server's backup-schedule tests; this is what the dashboard has to show of them).
 */
function backupDirWithFailedRun(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tickline-web-backups-'));
  for (const archive of KEPT_ARCHIVES) writeFileSync(join(dir, archive.name), Buffer.alloc(archive.bytes));
  writeFileSync(join(dir, 'last-backup.json'), JSON.stringify(FAILED_RUN));
  return dir;
}

describe.skipIf(!chromiumBinary.available)('web - operations in the browser', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  let backupDir: string;
  beforeAll(async () => {
    backupDir = backupDirWithFailedRun();
    // The Operations page polls zones, health, lag and deliveries while the test clicks through
    // it faster than a person: the free tier's 60 a minute refused steps at random.
    // Live runs enabled without research: the promotion gate is not what this file tests.
    [dashboard, browser] = await startWithBrowser({
      ...BROWSER_PACE_ENV,
      ...GATE_OFF_ENV,
      TICKLINE_BACKUP_SCHEDULE: BACKUP_SCHEDULE,
      TICKLINE_BACKUP_DIR: backupDir,
    });
  });
  afterAll(async () => {
    await stopWithBrowser(dashboard, browser);
    rmSync(backupDir, { recursive: true, force: true });
  });

  async function signInAsAdmin(): Promise<Page> {
    const { email, password } = initialAdmin(dashboard);
    const page = await openPage(browser);
    await page.goto(`${dashboard.url}/sign-in`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    return page;
  }

  it('web - CCU rises as a player joins; snapshot taken and restored; a broadcast reaches the player', async () => {
    const admin = await signInAsAdmin();
    await openOperations(admin, OperationsSection.Zones);
    const firstZone = admin.locator('tbody tr[data-zone]').first();
    await firstZone.waitFor();
    const zoneId = (await firstZone.getAttribute('data-zone'))!;
    const ccu = admin.locator(`tr[data-zone="${zoneId}"] [data-testid="zone-ccu"]`);
    expect(await ccu.textContent()).toBe('0');

    const player = await openPage(browser);
    await signUp(player, dashboard.url, uniqueEmail('player'), 'Player');
    await player.getByRole('link', { name: 'Game', exact: true }).click();
    await player.getByLabel('Zone').selectOption(zoneId);
    await player.getByRole('button', { name: 'Play' }).click();
    await player.getByTestId('game-state').filter({ hasText: 'connected' }).waitFor();

    // No reload: the page re-reads the zones on its own.
    await ccu.filter({ hasText: '1' }).waitFor();

    await admin.getByRole('button', { name: 'Take snapshot now' }).click();
    const taken = admin
      .getByTestId('snapshot-message')
      .filter({ hasText: /Snapshot at tick \d+ taken \(1 player\)/ });
    await taken.waitFor();
    const tick = /tick (\d+)/.exec((await taken.textContent())!)![1]!;
    // The manual snapshot's row: a hot snapshot may land on the same tick.
    const restore = admin
      .getByRole('listitem')
      .filter({ hasText: `tick ${tick}` })
      .filter({ hasText: 'manual' })
      .getByRole('button', { name: `Restore tick ${tick}`, exact: true });
    await restore.waitFor();
    // Hot snapshots (every second) keep arriving in their own list; the manual row stays put.
    const manualFirst = admin.getByRole('list', { name: 'Manual snapshots' }).getByRole('listitem').first();
    expect(await manualFirst.textContent()).toContain(`tick ${tick}`);
    const newestHot = await admin
      .getByRole('list', { name: 'Automatic snapshots' })
      .getByRole('listitem')
      .first()
      .textContent();
    await admin.waitForFunction(
      (before) => document.querySelector('[aria-label="Automatic snapshots"] li')?.textContent !== before,
      newestHot,
      { timeout: 60_000 },
    );
    expect(await manualFirst.textContent()).toContain(`tick ${tick}`);
    admin.once('dialog', (dialog: Dialog) => void dialog.accept());
    await restore.click();
    await admin
      .getByTestId('snapshot-message')
      .filter({ hasText: `Restored ${zoneId} to tick ${tick} (1 player)` })
      .waitFor();

    await admin.getByLabel('Message').fill('Maintenance at 18:00 UTC');
    await admin.getByRole('button', { name: 'Send notice' }).click();
    await admin
      .getByTestId('broadcast-result')
      .filter({ hasText: /Sent to [1-9]\d* players? in/ })
      .waitFor();
    await player.getByTestId('game-notices').getByText('Maintenance at 18:00 UTC').waitFor();
    await admin.evaluate(() => window.scrollTo(0, 0));
    await screenshot(admin, 'operations', { fullPage: true });
    await openOperations(admin, OperationsSection.Streams);
    await admin.getByText(/events\/s over/).waitFor();
    await openOperations(admin, OperationsSection.Risk);
    // Where strategy code runs: the backtest and compile pools, ready, from /readyz.
    const sandbox = admin.getByTestId('sandbox-processes');
    await sandbox
      .getByRole('row', { name: /backtest pool/ })
      .filter({ hasText: /\d+\/\d+ ready/ })
      .waitFor();
    await sandbox.getByRole('row', { name: /compile pool/ }).waitFor();
    // The player shows up in the lookup's online list on its own, too.
    await openOperations(admin, OperationsSection.Rooms);
    await admin.getByRole('button', { name: /^player\./ }).waitFor();
    await screenshot(player, 'game-notice');

    // Every section, with a player online and snapshots taken, fits a few screens: an operator
    // reaches a panel from the section menu, not by scrolling past all the others.
    for (const section of Object.values(OperationsSection)) {
      await openOperations(admin, section);
      await admin.waitForFunction(() => !document.querySelector('main .state-loading'), undefined, {
        timeout: SERVER_WAIT_MS,
      });
      const height = await admin.evaluate(() => document.documentElement.scrollHeight);
      expect(height, `${section} is ${height} px tall`).toBeLessThan(MAX_SECTION_HEIGHT_PX);
    }
    await admin.context().close();
    await player.context().close();
  });

  it('web - the Data section: the backup schedule in words, a failed last run with its code, the kept archives, the archive tier', async () => {
    const admin = await signInAsAdmin();
    await openOperations(admin, OperationsSection.Data);
    const backups = admin.getByTestId('backups-card');
    const facts = backups.getByTestId('backup-facts');
    await facts.waitFor({ timeout: SERVER_WAIT_MS });
    expect(await facts.textContent()).toContain('daily at 03:00 UTC');
    expect(await facts.textContent()).toContain(backupDir);
    // The next run is tomorrow's (or today's) 03:00 UTC, in the browser's local time.
    expect(await facts.getByRole('definition').nth(1).textContent()).not.toBe('—');
    // The failed run in the error style, with its code and message.
    const lastRun = backups.getByRole('alert');
    expect(await lastRun.getAttribute('data-testid')).toBe('backup-last-run');
    expect(await lastRun.textContent()).toMatch(
      /^Last run failed at .*: SERVER_BACKUP_TOOL_FAILED pg_dump exited with code 1$/,
    );
    const archives = backups.getByTestId('backup-archives').getByRole('row');
    // The header and the two archives, newest first, with their sizes.
    expect(await archives.count()).toBe(3);
    expect(await archives.nth(1).textContent()).toMatch(new RegExp(`^${KEPT_ARCHIVES[0]!.name}.*3\\.0 MiB$`));
    expect(await archives.nth(2).textContent()).toMatch(new RegExp(`^${KEPT_ARCHIVES[1]!.name}.*1\\.5 KiB$`));

    // A fresh server has archived nothing: the totals read zero and the card says how to turn it on.
    const archive = admin.getByTestId('archive-card');
    const totals = archive.getByTestId('archive-totals');
    await totals.waitFor({ timeout: SERVER_WAIT_MS });
    expect(await archive.getByTestId('archive-state').textContent()).toBe('off');
    expect(await totals.textContent()).toMatch(/Partitions archived0Rows0/);
    expect(await archive.getByTestId('archive-saved').textContent()).toBe('0 B (—)');
    await archive.getByText('Nothing archived yet').waitFor();
    await admin.evaluate(() => window.scrollTo(0, 0));
    await screenshot(admin, 'operations-data', { fullPage: true });
    await admin.context().close();
  });

  /** Waits until `check` resolves a value, polling the server (no fixed sleep decides the outcome). */
  async function eventually<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
    const deadline = Date.now() + SERVER_WAIT_MS;
    for (;;) {
      const value = await check().catch(() => undefined);
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** A resting limit buy far below the market (no price needed); the refusal's reason, or 'accepted'. */
  async function limitBuy(owner: TicklineClient, portfolioId: string, symbol: string): Promise<string> {
    try {
      await owner.portfolios.placeOrder(portfolioId, {
        symbol,
        side: 'buy',
        type: 'limit',
        quantity: 0.001,
        price: 1,
      });
      return 'accepted';
    } catch (error) {
      if (!isTicklineApiError(error) || error.code !== 'STRATEGY_BROKER_ORDER_REJECTED') throw error;
      return String((error.details as { reason?: unknown } | undefined)?.reason);
    }
  }

  it("web - an admin engages the kill switch on another user's portfolio, the owner's order is refused; released, one is accepted", async () => {
    // The owner, through the API: the portfolio the account opens, and a strategy running live on it.
    const owner = createTicklineClient({ baseUrl: dashboard.url });
    await owner.auth.signUp({ email: uniqueEmail('owner'), password: TEST_PASSWORD, displayName: 'Owner' });
    const portfolioId = await eventually(
      async () => (await owner.portfolios.list())[0]?.portfolioId,
      "the owner's portfolio",
    );
    const { markets } = await owner.requestPublic<{
      markets: Array<{ symbol: string; configured: boolean }>;
    }>({
      method: 'GET',
      path: '/api/v1/markets',
    });
    const symbol = markets.find((m) => m.configured)!.symbol;
    const {
      strategy: { id: strategyId },
    } = await owner.strategies.create({ name: 'quiet watcher', source: WATCHER });
    await owner.liveStrategies.enable({
      strategyId,
      version: 1,
      portfolioId,
      feeds: [{ symbol, interval: '1m' }],
      warmupBars: 0,
    });
    expect(await limitBuy(owner, portfolioId, symbol)).toBe('accepted');

    // The admin finds the run by its strategy's name and engages the kill switch from its row.
    const admin = await signInAsAdmin();
    const questions: string[] = [];
    admin.on('dialog', (dialog: Dialog) => {
      questions.push(dialog.message());
      void dialog.accept();
    });
    await openOperations(admin, OperationsSection.Risk);
    const row = admin.locator(`[data-testid="live-admin"] tr[data-run$=":${strategyId}"]`);
    await row.waitFor({ timeout: SERVER_WAIT_MS });
    expect(await row.getByRole('rowheader').textContent()).toMatch(/^quiet watcher v1/);
    await row.getByRole('button', { name: 'Kill switch', exact: true }).click();
    await admin
      .getByTestId('live-admin-message')
      .filter({ hasText: /^Kill switch engaged on portfolio / })
      .waitFor({ timeout: SERVER_WAIT_MS });
    expect(questions.at(-1)).toMatch(
      /^Engage the admin kill switch on the portfolio of .*quiet watcher.*cannot release/,
    );

    // The card shows the picked portfolio held by the admin hand; the owner's order is refused,
    // and the run is paused.
    const card = admin.getByTestId('admin-kill-switch');
    expect(await card.getByLabel('Portfolio id').inputValue()).toBe(portfolioId);
    await card
      .getByTestId('admin-kill-switch-state')
      .filter({ hasText: /^Kill switch engaged on portfolio / })
      .waitFor({ timeout: SERVER_WAIT_MS });
    const hands = card.getByTestId('admin-kill-switch-hands');
    expect(await hands.textContent()).toMatch(/Owner’s hand: off/);
    expect(await hands.textContent()).toMatch(/Admin hand: engaged .* — engaged from the Operations page/);
    expect(await limitBuy(owner, portfolioId, symbol)).toBe('kill_switch');
    await admin
      .locator(`[data-testid="live-admin"] tr[data-run$=":${strategyId}"][data-state="paused"]`)
      .waitFor({ timeout: SERVER_WAIT_MS });
    // The owner cannot lift an admin's hand.
    await expect(owner.portfolios.releaseKillSwitch(portfolioId, 'mine')).resolves.toMatchObject({
      killSwitch: { engaged: true },
    });
    // The live strategies panel and the card below it, under the sticky header.
    await admin.getByRole('heading', { name: 'Live strategies' }).evaluate((heading) => {
      heading.scrollIntoView({ block: 'start' });
      window.scrollBy(0, -96);
    });
    await screenshot(admin, 'operations-kill-switch');

    // Released from the card: an order is accepted again.
    await card.getByRole('button', { name: 'Release admin hand' }).click();
    await card
      .getByTestId('admin-kill-switch-state')
      .filter({ hasText: /^Kill switch off on portfolio / })
      .waitFor({ timeout: SERVER_WAIT_MS });
    expect(questions.at(-1)).toMatch(/^Release the admin hand on portfolio /);
    expect(await limitBuy(owner, portfolioId, symbol)).toBe('accepted');

    // A typed id nobody has: the API's answer, in words.
    await card.getByLabel('Portfolio id').fill('no-such-portfolio');
    await card.getByRole('button', { name: 'Show' }).click();
    await card.getByText('no portfolio no-such-portfolio').waitFor({ timeout: SERVER_WAIT_MS });
    // Picked from the run's row again: the field refills and the switch reads off.
    await row.getByRole('button', { name: `Show the kill switch of portfolio ${portfolioId}` }).click();
    await card
      .getByTestId('admin-kill-switch-state')
      .filter({ hasText: /^Kill switch off on portfolio / })
      .waitFor({ timeout: SERVER_WAIT_MS });
    expect(await card.getByLabel('Portfolio id').inputValue()).toBe(portfolioId);
    await admin.context().close();
  }, 300_000);

  it('web - an admin engages the kill switch over an account from the scope card, with flatten; its proof is listed', async () => {
    const owner = createTicklineClient({ baseUrl: dashboard.url });
    await owner.auth.signUp({ email: uniqueEmail('scoped'), password: TEST_PASSWORD, displayName: 'Scoped' });
    // A paper portfolio's id is its account's id.
    const portfolioId = await eventually(
      async () => (await owner.portfolios.list())[0]?.portfolioId,
      "the owner's portfolio",
    );
    const { markets } = await owner.requestPublic<{
      markets: Array<{ symbol: string; configured: boolean }>;
    }>({
      method: 'GET',
      path: '/api/v1/markets',
    });
    const symbol = markets.find((m) => m.configured)!.symbol;
    const admin = await signInAsAdmin();
    const questions: string[] = [];
    admin.on('dialog', (dialog: Dialog) => {
      questions.push(dialog.message());
      void dialog.accept();
    });
    await openOperations(admin, OperationsSection.Risk);
    const card = admin.getByTestId('admin-halt-scope');
    await card.waitFor({ timeout: SERVER_WAIT_MS });
    await card.getByLabel('Scope', { exact: true }).selectOption('account');
    await card.getByLabel('Account id').fill(portfolioId);
    await card.getByLabel('Reason', { exact: true }).fill('e2e scope');
    await card.getByLabel('Close every position').check();
    await card.getByRole('button', { name: 'Engage' }).click();
    const proofs = card.getByTestId('admin-halt-proofs');
    await proofs.waitFor({ timeout: SERVER_WAIT_MS });
    expect(questions.at(-1)).toMatch(
      /^Engage the admin kill switch on the portfolios of account .*closed at market\.$/,
    );
    expect(await proofs.textContent()).toMatch(/1 of 1 portfolios proven halted/);
    expect(await proofs.textContent()).toMatch(/Halt proven at .* flat 0 ms after the switch/);
    expect(await limitBuy(owner, portfolioId, symbol)).toBe('kill_switch');
    await admin.context().close();
  }, 300_000);
});
