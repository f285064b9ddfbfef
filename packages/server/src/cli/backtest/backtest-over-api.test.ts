import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backtestBreakdowns, type BacktestMetrics } from '@tickline/protocol';
import { lockDataDir } from '@tickline/store';
import { SMA_CROSS_SOURCE } from '@tickline/strategy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatMetricsTable,
  runBacktestOverApi,
  type BacktestCommandOptions,
  type CliIo,
  type RemoteBacktestRequest,
} from '@tickline/cli';
import { runBacktestCommand } from './backtest-actions.ts';

const URL = 'http://server.test';
const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const STRATEGY_ID = '0190a000-0000-7000-8000-000000000001';
const RUN_ID = '0190a000-0000-7000-8000-0000000000aa';

const METRICS: BacktestMetrics = {
  startingCapital: 5_000,
  finalEquity: 5_512.5,
  totalReturn: 0.1025,
  cagr: 0.31,
  volatility: 0.2,
  sharpe: 1.25,
  sortino: 1.5,
  calmar: 2,
  drawdown: {
    maxDrawdown: 0.05,
    peakTime: null,
    troughTime: null,
    recoveryTime: null,
    longestDrawdownMs: 86_400_000,
  },
  trades: 3,
  winRate: 2 / 3,
  profitFactor: 2.5,
  expectancy: 170.8,
  avgWin: 300,
  avgLoss: -87.5,
  exposure: 0.4,
  feesPaid: 12.25,
  periodReturns: { day: [], week: [], month: [] },
};
const TRADE = {
  symbol: 'BTC-USDT',
  direction: 'long',
  entryTime: T0,
  exitTime: T0 + HOUR,
  entryPrice: 100,
  exitPrice: 110,
  qty: 1,
  pnl: 10,
  fees: 0.2,
  returnPct: 0.1,
  entryReason: 'cross up',
  exitReason: 'cross down',
  bars: 1,
};

interface Sent {
  method: string;
  path: string;
  body: unknown;
  auth: string | null;
}
interface ServerState {
  strategies: Array<{ id: string; name: string; updatedAt: string }>;
  versions: Array<{ version: number; sourceSha256: string; language: string }>;
  /** The run's progress answered at each poll; then it ends as `end`. */
  progress: number[];
  end: 'succeeded' | 'failed' | 'running';
  /** An error answered by a route, by `METHOD /path`. */
  refuse?: Record<string, { status: number; code: string; message: string }>;
}

/** A fake `/api/v1` that keeps what it was sent and answers as the strategy routes do. */
function fakeServer(state: Partial<ServerState> = {}) {
  const s: ServerState = { strategies: [], versions: [], progress: [0.25, 0.75], end: 'succeeded', ...state };
  const sent: Sent[] = [];
  let polls = 0;
  const run = (status: string, progress: number, error: unknown = null) => ({
    id: RUN_ID,
    strategyId: STRATEGY_ID,
    version: 1,
    status,
    progress,
    params: { fast: 5, slow: 30 },
    error,
  });
  const answer = (method: string, path: string, body: any): [number, unknown] => {
    const refused = s.refuse?.[`${method} ${path}`];
    if (refused) return [refused.status, { error: { code: refused.code, message: refused.message } }];
    const version = (n: number) => ({
      strategyId: STRATEGY_ID,
      version: n,
      language: body?.language ?? 'typescript',
    });
    switch (`${method} ${path}`) {
      case 'GET /strategies':
        return [200, { strategies: s.strategies }];
      case 'POST /strategies':
        return [201, { strategy: { id: STRATEGY_ID, name: body.name }, version: version(1) }];
      case `GET /strategies/${STRATEGY_ID}/versions`:
        return [200, { versions: s.versions }];
      case `POST /strategies/${STRATEGY_ID}/versions`:
        return [201, { version: version(s.versions.length + 1) }];
      case 'POST /backtests':
        return [202, { backtest: run('queued', 0) }];
      case `GET /backtests/${RUN_ID}`: {
        const at = polls++;
        if (at < s.progress.length) return [200, { backtest: run('running', s.progress[at]!), result: null }];
        if (s.end === 'running') return [200, { backtest: run('running', 0.9), result: null }];
        if (s.end === 'failed')
          return [
            200,
            { backtest: run('failed', 0.5, { code: 'SANDBOX_MEMORY', message: 'over 64 MB' }), result: null },
          ];
        return [
          200,
          {
            backtest: run('succeeded', 1),
            result: { metrics: METRICS, bars: 300, tradesTruncated: false, logs: [], plots: [] },
          },
        ];
      }
      case `GET /backtests/${RUN_ID}/trades`:
        return [200, { trades: [TRADE], truncated: false }];
      case `POST /backtests/${RUN_ID}/cancel`:
        return [202, { backtest: run('cancelled', 0.9) }];
      default:
        return [404, { error: { code: 'HTTP_NOT_FOUND', message: `${method} ${path}` } }];
    }
  };
  const fetchFn = (async (url: string, init: RequestInit) => {
    const path = url.replace(`${URL}/api/v1`, '');
    const body = init.body === undefined ? undefined : JSON.parse(init.body as string);
    const method = init.method ?? 'GET';
    sent.push({ method, path, body, auth: new Headers(init.headers).get('authorization') });
    const [status, json] = answer(method, path, body);
    return new Response(JSON.stringify(json), { status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { sent, fetchFn, calls: () => sent.map((c) => `${c.method} ${c.path}`) };
}

function recorder(env: Record<string, string> = { TICKLINE_TOKEN: 'tok' }, interrupted?: AbortSignal) {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    env,
    ...(interrupted ? { interrupted } : {}),
  };
  return { io, stdout: () => out, stderr: () => err };
}

const request = (over: Partial<RemoteBacktestRequest> = {}): RemoteBacktestRequest => ({
  file: '/tmp/x/sma.ts',
  source: SMA_CROSS_SOURCE,
  language: 'typescript',
  feeds: [{ symbol: 'BTC-USDT', interval: '1h' }],
  from: T0,
  to: T0 + 300 * HOUR,
  params: { fast: 5 },
  settings: {},
  sandbox: {},
  json: false,
  ...over,
});
const api = { url: URL, token: 'tok' };

describe('backtest over the API - the locked store', () => {
  let dir: string;
  let unlock: () => Promise<void>;
  let options: BacktestCommandOptions;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tickline-backtest-api-'));
    await mkdir(join(dir, 'db'));
    // The lock `tickline start` holds on its embedded database.
    unlock = await lockDataDir(join(dir, 'db'));
    await writeFile(join(dir, 'sma.ts'), SMA_CROSS_SOURCE);
    options = {
      strategy: join(dir, 'sma.ts'),
      symbol: 'BTC-USDT',
      interval: '1h',
      from: new Date(T0).toISOString(),
      to: String(T0 + 300 * HOUR),
      param: ['fast=5', 'mode=trend'],
      capital: '5000',
      fee: '0.002',
      memoryMb: '64',
    };
  });
  afterAll(async () => {
    await unlock?.();
    await rm(dir, { recursive: true, force: true });
  });

  it('backtest - STORE_LOCKED runs it on the server: file saved, same run queued, progress, metrics', async () => {
    const server = fakeServer();
    const { io, stdout, stderr } = recorder({
      TICKLINE_DATA_DIR: dir,
      TICKLINE_URL: URL,
      TICKLINE_TOKEN: 'tok',
    });
    await runBacktestCommand(io, options, server.fetchFn);
    expect(server.calls()).toEqual([
      'GET /strategies',
      'POST /strategies',
      'POST /backtests',
      `GET /backtests/${RUN_ID}`,
      `GET /backtests/${RUN_ID}`,
      `GET /backtests/${RUN_ID}`,
      `GET /backtests/${RUN_ID}/trades`,
    ]);
    expect(server.sent.every((c) => c.auth === 'Bearer tok')).toBe(true);
    expect(server.sent[1]!.body).toEqual({
      name: 'sma.ts',
      source: SMA_CROSS_SOURCE,
      language: 'typescript',
    });
    expect(server.sent[2]!.body).toEqual({
      strategyId: STRATEGY_ID,
      version: 1,
      symbol: 'BTC-USDT',
      interval: '1h',
      from: T0,
      to: T0 + 300 * HOUR,
      params: { fast: 5, mode: 'trend' },
      settings: { startingCapital: 5000, makerFee: 0.002, takerFee: 0.002 },
      sandbox: { memoryMb: 64 },
    });
    expect(stderr()).toContain(`running on the server at ${URL}`);
    expect(stderr()).toContain('strategy sma.ts: version 1 (created)');
    expect(stderr()).toContain(`queued backtest ${RUN_ID}`);
    expect(stderr()).toMatch(/backtest BTC-USDT 1h \[#{8}\.{22}\] {2}25% 25\/100/);
    expect(stderr()).toMatch(/backtest BTC-USDT 1h \[#{30}\] 100% 100\/100\n$/);
    const out = stdout();
    expect(
      out.startsWith(
        `BTC-USDT 1h  ${new Date(T0).toISOString()} .. ${new Date(T0 + 300 * HOUR).toISOString()}  300 bars (backtest ${RUN_ID})\n\n${formatMetricsTable(METRICS as never)}`,
      ),
    ).toBe(true);
    // The breakdowns per pair, exit reason and day, as `tickline profit` prints a live run's.
    expect(out).toMatch(/\npair +trades +wins +losses +profit +profit % +fees\nBTC-USDT +1 +1 +0 +\S*10\.00/);
    expect(out).toMatch(/\nexit reason +trades[^\n]*\ncross down +1 /);
    expect(out).toMatch(
      new RegExp(`\\nday +trades[^\\n]*\\n${new Date(T0 + HOUR).toISOString().slice(0, 10)} +1 `),
    );
    expect(out.endsWith(`\nstrategy ${STRATEGY_ID}  version 1  backtest ${RUN_ID}\n`)).toBe(true);
    expect(stdout()).toMatch(/total return\s+10\.25%/);
  });

  it('backtest - no credential is the usage error, before anything is sent', async () => {
    const server = fakeServer();
    const { io } = recorder({ TICKLINE_DATA_DIR: dir, TICKLINE_URL: URL });
    await expect(runBacktestCommand(io, options, server.fetchFn)).rejects.toMatchObject({
      code: 'SERVER_INVALID_ARGUMENT',
      message: expect.stringContaining('--token or TICKLINE_TOKEN'),
    });
    expect(server.sent).toEqual([]);
  });

  it('backtest --url - goes to that server without opening the store; --feed becomes feeds', async () => {
    const server = fakeServer();
    const { io } = recorder({ TICKLINE_DATA_DIR: join(dir, 'absent') });
    await runBacktestCommand(
      io,
      {
        ...options,
        symbol: undefined,
        interval: undefined,
        feed: ['BTC-USDT:1h', 'ETH-USDT:1h'],
        exchange: 'binance',
        capital: undefined,
        fee: undefined,
        memoryMb: undefined,
        url: URL,
        token: 'cli-token',
      },
      server.fetchFn,
    );
    expect(server.sent[0]!.auth).toBe('Bearer cli-token');
    expect(server.sent[2]!.body).toMatchObject({
      symbol: 'BTC-USDT',
      interval: '1h',
      exchange: 'binance',
      feeds: [{ symbol: 'ETH-USDT', interval: '1h', exchange: 'binance' }],
    });
    expect(server.sent[2]!.body).not.toHaveProperty('settings');
  });
});

describe('backtest over the API - versions, errors, cancel', () => {
  const sha = createHash('sha256').update(SMA_CROSS_SOURCE).digest('hex');
  const existing = [
    { id: '0190a000-0000-7000-8000-0000000000ff', name: 'sma.ts', updatedAt: '2026-01-01T00:00:00.000Z' },
    { id: STRATEGY_ID, name: 'sma.ts', updatedAt: '2026-02-01T00:00:00.000Z' },
    { id: '0190a000-0000-7000-8000-0000000000ee', name: 'other.ts', updatedAt: '2026-03-01T00:00:00.000Z' },
  ];

  it('the same file again reuses the latest version of the newest strategy of that name', async () => {
    const server = fakeServer({
      strategies: existing,
      versions: [
        { version: 1, sourceSha256: 'old', language: 'typescript' },
        { version: 2, sourceSha256: sha, language: 'typescript' },
      ],
    });
    const { io, stderr, stdout } = recorder();
    await runBacktestOverApi(io, request({ pollMs: 1 }), api, server.fetchFn);
    expect(server.calls().slice(0, 3)).toEqual([
      'GET /strategies',
      `GET /strategies/${STRATEGY_ID}/versions`,
      'POST /backtests',
    ]);
    expect(server.sent[2]!.body).toMatchObject({ strategyId: STRATEGY_ID, version: 2 });
    expect(stderr()).toContain('strategy sma.ts: version 2 (unchanged)');
    // The ids research and live take next, on the last line.
    expect(stdout().trimEnd().split('\n').at(-1)).toMatch(
      new RegExp(`^strategy ${STRATEGY_ID}  version 2  backtest \\S+$`),
    );
  });

  it('changed code becomes a new version of that strategy', async () => {
    const server = fakeServer({
      strategies: existing,
      versions: [{ version: 1, sourceSha256: 'old', language: 'typescript' }],
    });
    const { io, stderr } = recorder();
    await runBacktestOverApi(io, request({ pollMs: 1 }), api, server.fetchFn);
    expect(server.calls()[2]).toBe(`POST /strategies/${STRATEGY_ID}/versions`);
    expect(server.sent[2]!.body).toEqual({ source: SMA_CROSS_SOURCE, language: 'typescript' });
    expect(server.sent[3]!.body).toMatchObject({ version: 2 });
    expect(stderr()).toContain('strategy sma.ts: version 2 (new version)');
  });

  it('--json prints the local shape: metrics, the trades route, the resolved params', async () => {
    const server = fakeServer();
    const { io, stdout } = recorder();
    await runBacktestOverApi(io, request({ json: true, pollMs: 1 }), api, server.fetchFn);
    expect(server.calls().at(-1)).toBe(`GET /backtests/${RUN_ID}/trades`);
    expect(JSON.parse(stdout())).toEqual({
      symbol: 'BTC-USDT',
      interval: '1h',
      feeds: [{ symbol: 'BTC-USDT', interval: '1h' }],
      from: new Date(T0).toISOString(),
      to: new Date(T0 + 300 * HOUR).toISOString(),
      params: { fast: 5, slow: 30 },
      bars: 300,
      metrics: METRICS,
      trades: [TRADE],
      breakdowns: backtestBreakdowns([TRADE as never]),
      logs: [],
      backtestId: RUN_ID,
      strategyId: STRATEGY_ID,
      version: 1,
    });
  });

  it("the server's refusal comes back with its code", async () => {
    const server = fakeServer({
      refuse: {
        'POST /backtests': {
          status: 422,
          code: 'STRATEGY_NO_DATA',
          message: 'no stored 1h candles for BTC-USDT',
        },
      },
    });
    const { io, stdout } = recorder();
    await expect(runBacktestOverApi(io, request({ pollMs: 1 }), api, server.fetchFn)).rejects.toMatchObject({
      code: 'STRATEGY_NO_DATA',
      message: 'no stored 1h candles for BTC-USDT',
    });
    expect(stdout()).toBe('');
  });

  it("a failed run is the run's error code, with no metrics", async () => {
    const server = fakeServer({ end: 'failed' });
    const { io, stdout } = recorder();
    await expect(runBacktestOverApi(io, request({ pollMs: 1 }), api, server.fetchFn)).rejects.toMatchObject({
      code: 'SANDBOX_MEMORY',
      message: `backtest ${RUN_ID} failed: over 64 MB`,
    });
    expect(stdout()).toBe('');
  });

  it('Ctrl-C cancels the run on the server', async () => {
    const server = fakeServer({ end: 'running' });
    const interrupt = new AbortController();
    const { io } = recorder({ TICKLINE_TOKEN: 'tok' }, interrupt.signal);
    const running = runBacktestOverApi(io, request({ pollMs: 20 }), api, server.fetchFn);
    setTimeout(() => interrupt.abort(), 100);
    await expect(running).rejects.toMatchObject({ code: 'STRATEGY_RUN_CANCELLED' });
    expect(server.calls().at(-1)).toBe(`POST /backtests/${RUN_ID}/cancel`);
  });

  it('past the deadline the run is cancelled and the command fails with SERVER_API_TIMEOUT', async () => {
    const server = fakeServer({ end: 'running' });
    const { io } = recorder();
    await expect(
      runBacktestOverApi(io, request({ pollMs: 10, deadlineMs: 60 }), api, server.fetchFn),
    ).rejects.toMatchObject({ code: 'SERVER_API_TIMEOUT' });
    expect(server.calls().filter((c) => c.endsWith('/cancel'))).toHaveLength(1);
  });
});
