/**
 * @module A real `tickline start` serving a fresh build of the dashboard, with data in a temp dir,
 * on a free port — what the browser tests drive.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTicklineServer, type RunningServer } from '@tickline/testing';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.ts';

const WEB_DIR = fileURLToPath(new URL('../../', import.meta.url));
const STOP_TIMEOUT_MS = 10_000;

/** A running server with the dashboard at `url`. */
export interface Dashboard {
  url: string;
  /** The server's data directory (the first-run admin's credentials are under secrets/). */
  dataDir: string;
  server: RunningServer;
  stop(): Promise<void>;
}

/**
 * Runs `vite build` when `dist/` is older than its sources (the same check `npm start` makes).
 * Browser files run two at a time: the check runs under an exclusive lock (util-linux `flock`), so
 * a second file waits for the first one's build and finds `dist/` fresh, rather than writing it too.
 */
export function buildDashboardIfStale(): void {
  const lock = join(tmpdir(), 'tickline-web-build.lock');
  const result = spawnSync(
    'flock',
    [lock, process.execPath, join(WEB_DIR, 'scripts', 'build-if-stale.mjs')],
    {
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`dashboard build failed:\n${result.stdout}${result.stderr}`);
}

/** Builds if needed, then starts `tickline start` on 127.0.0.1 and a free port. */
export async function startDashboard(env: Record<string, string> = {}): Promise<Dashboard> {
  buildDashboardIfStale();
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-web-e2e-'));
  const server = await startTicklineServer({
    TICKLINE_DATA_DIR: dataDir,
    TICKLINE_HTTP_PORT: '0',
    TICKLINE_HTTP_HOST: '127.0.0.1',
    ...env,
  });
  return {
    url: server.url,
    dataDir,
    server,
    async stop() {
      server.child.kill('SIGTERM');
      const timer = setTimeout(() => server.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await server.exited;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The first-run admin's email and password, from the file `tickline start` writes on a fresh data dir. */
export function initialAdmin(dashboard: Pick<Dashboard, 'dataDir'>): { email: string; password: string } {
  const text = readFileSync(join(dashboard.dataDir, 'secrets', 'initial-admin.txt'), 'utf8');
  const email = /^email: (.+)$/m.exec(text)?.[1];
  const password = /^password: (.+)$/m.exec(text)?.[1];
  if (!email || !password) throw new Error('initial-admin.txt has no email and password');
  return { email, password };
}

/**
 * The free tier's request rate for runs that click through pages faster than a person: its 60 a
 * minute (burst 20) refuses steps at random halfway through a walk (the limit itself is tested in
 * the server's suite).
 */
export const BROWSER_PACE_ENV: Readonly<Record<string, string>> = Object.freeze({
  TICKLINE_AUTH_TIERS_FREE_REQUESTS_PER_MINUTE: '600',
});

/** The dashboard and a browser, started side by side (a test file's `beforeAll`). */
export async function startWithBrowser(env: Record<string, string> = {}): Promise<[Dashboard, Browser]> {
  return Promise.all([startDashboard(env), launchBrowser()]);
}

/** Stops what {@link startWithBrowser} started; either may be missing when the start failed. */
export async function stopWithBrowser(dashboard?: Dashboard, browser?: Browser): Promise<void> {
  await browser?.close();
  await dashboard?.stop();
}
