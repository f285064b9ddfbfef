/**
 * @module The mixed load of the honest-load soak (issue 45: the pauses were seen beside other
 * Tickline servers, a browser and research jobs): a second `tickline start` with live runs of its
 * own, an account that queues backtests and a parameter search one after another on the soaked
 * server, and headless Chromium on the soaked server's dashboard, reloaded now and then.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { embeddedTestEnv, GATE_OFF_ENV, requireBinary, startTicklineServer, type RunningServer } from '@tickline/testing';
import { account, api, type TestUser, enable, storeStrategy, SYMBOL, TREND_PARAMS, TREND_SOURCE } from './soak-runs.ts';

/** Live runs on the second server: another tenant's work on the same cores. */
const NEIGHBOUR_RUNS = 10;
const BROWSER_RELOAD_MS = 20_000;

export interface LoadCounts {
  backtests: number;
  researchJobs: number;
  /** Jobs that ended other than succeeded (or were left unread). */
  failed: number;
  refused: number;
  browserLoads: number;
}

export interface MixedLoad {
  readonly counts: LoadCounts;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts every part of the load against `base()` (read at each call: a restart keeps the port). */
export async function startMixedLoad(base: () => string, log: (m: string) => void): Promise<MixedLoad> {
  const counts: LoadCounts = { backtests: 0, researchJobs: 0, failed: 0, refused: 0, browserLoads: 0 };
  let stopped = false;
  const neighbour = await startNeighbour(log);
  const startedAt = Date.now();
  // A free account runs 10 backtests a day: at its quota the work moves to a fresh account.
  const researcher = async (): Promise<Researcher> => {
    const user = await account(base, `soak-research-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`);
    return { user, strategyId: await storeStrategy(base, user, 'trend research', TREND_SOURCE) };
  };
  const first = await researcher();
  const range = () => ({ from: Math.max(startedAt, Date.now() - 20 * 60_000), to: Date.now() });
  const loops = [
    jobLoop('backtest', ({ user, strategyId }) =>
      api(base, user, 'POST', '/backtests', {
        strategyId,
        symbol: SYMBOL,
        interval: '1s',
        ...range(),
        params: TREND_PARAMS,
      }),
    ),
    jobLoop('research', ({ user, strategyId }) =>
      api(base, user, 'POST', '/research', {
        kind: 'search',
        strategyId,
        feeds: [{ symbol: SYMBOL, interval: '1s' }],
        ...range(),
        grid: { fast: [2, 3, 5, 8], slow: [3, 5, 13, 21] },
      }),
    ),
  ].map((loop) => loop({ base, first, researcher, counts, stopped: () => stopped, log }));
  const browser = await startBrowser(base, first.user, counts, () => stopped, log);
  return {
    counts,
    async stop() {
      stopped = true;
      await Promise.allSettled(loops);
      await browser?.close().catch(() => undefined);
      neighbour.server.child.kill('SIGTERM');
      await neighbour.server.exited;
      rmSync(neighbour.dataDir, { recursive: true, force: true });
    },
  };
}

interface Researcher {
  user: TestUser;
  strategyId: string;
}

interface LoopContext {
  base: () => string;
  first: Researcher;
  researcher: () => Promise<Researcher>;
  counts: LoadCounts;
  stopped: () => boolean;
  log: (m: string) => void;
}

/**
 * Queues a job, waits for it to end, and again. At an account's quota it goes on from a fresh
 * account; another refusal (no candles yet, the restart) waits a little.
 */
function jobLoop(kind: 'backtest' | 'research', queue: (r: Researcher) => ReturnType<typeof api>) {
  return async ({ base, first, researcher, counts, stopped, log }: LoopContext) => {
    const path = kind === 'backtest' ? 'backtests' : 'research';
    let current = first;
    // Candles to run on first.
    await sleep(30_000);
    while (!stopped()) {
      const queued = await queue(current).catch(() => undefined);
      if (queued?.status === 429 && String(queued.body?.error?.code).startsWith('STRATEGY_QUOTA')) {
        current = await researcher().catch(() => current);
        continue;
      }
      if (queued?.status !== 202) {
        counts.refused++;
        if (counts.refused <= 5) log(`${kind} refused: ${queued?.status} ${JSON.stringify(queued?.body?.error)}`);
        await sleep(5_000);
        continue;
      }
      const id = (queued.body.backtest ?? queued.body.research).id as string;
      // Bounded: a job whose status cannot be read is left after five minutes.
      let status: unknown;
      for (let waited = 0; waited < 300; waited++) {
        await sleep(1_000);
        if (stopped()) return;
        const answer = await api(base, current.user, 'GET', `/${path}/${id}`).catch(() => undefined);
        status = (answer?.body?.backtest ?? answer?.body?.research ?? answer?.body)?.status;
        if (status !== undefined && status !== 'queued' && status !== 'running') break;
      }
      // Only jobs that did their work are load; one that failed says why once.
      if (status !== 'succeeded') {
        counts.failed++;
        if (counts.failed <= 3) log(`${kind} ${id} ended ${String(status)}`);
      } else if (kind === 'backtest') counts.backtests++;
      else counts.researchJobs++;
    }
  };
}

/** Another tenant's server on the same machine, with live runs of its own. */
async function startNeighbour(log: (m: string) => void): Promise<{ server: RunningServer; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-live-soak-neighbour-'));
  const server = await startTicklineServer(
    embeddedTestEnv(dataDir, { ...GATE_OFF_ENV, TICKLINE_AUTH_TIERS_FREE_REQUESTS_PER_MINUTE: '6000' }),
  );
  const base = () => server.url;
  for (let i = 0; i < NEIGHBOUR_RUNS / 2; i++) {
    const user = await account(base, `neighbour-${i}-${Date.now()}@example.test`);
    for (const k of [1, 2]) {
      const strategy = await storeStrategy(base, user, `neighbour trend ${k}`, TREND_SOURCE);
      await enable(base, user, strategy, TREND_PARAMS, 3);
    }
  }
  log(`second server on ${server.url} with ${NEIGHBOUR_RUNS} live runs`);
  return { server, dataDir };
}

/** Chromium on the dashboard, signed in as the researcher; none when chromium is not installed. */
async function startBrowser(
  base: () => string,
  user: TestUser,
  counts: LoadCounts,
  stopped: () => boolean,
  log: (m: string) => void,
): Promise<Browser | undefined> {
  const binary = process.env.CHROMIUM_PATH
    ? { available: true as const, path: process.env.CHROMIUM_PATH }
    : requireBinary('chromium', 'chromium');
  if (!binary.available) {
    log(`no browser: ${binary.reason}`);
    return undefined;
  }
  const browser = await chromium.launch({
    executablePath: binary.path,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  const [name, value] = user.cookie.split('=') as [string, string];
  const context = await browser.newContext();
  if (value !== undefined) await context.addCookies([{ name, value, url: base() }]);
  const page = await context.newPage();
  void (async () => {
    while (!stopped()) {
      // The markets page streams live candles: a dashboard left open, as a watching owner has it.
      await page
        .goto(`${base()}/markets`, { timeout: 60_000 })
        .then(() => counts.browserLoads++)
        .catch(() => undefined);
      await sleep(BROWSER_RELOAD_MS);
    }
  })();
  log(`chromium on ${base()}/markets, reloaded every ${BROWSER_RELOAD_MS / 1000} s`);
  return browser;
}
