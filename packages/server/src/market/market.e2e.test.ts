/**
 * Market data through the real `tickline` process: the simulator feeds the collector, trades and
 * candles reach SQL and the API, an SSE client gets live trades, bad queries are refused with a
 * code, a rejected trade lands in the quarantine, and a restart on the same data dir keeps the
 * history, resumes collection and stores every trade exactly once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedEventLog } from '@tickline/eventlog';
import { createPgliteSql } from '@tickline/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until, startTicklineServer, type RunningServer } from '@tickline/testing';
import { callJson, initialAdminToken, openEventSource, streamTicket } from '../testing/api-clients.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-market-'));
// One row for a symbol nobody collects: the collector rejects it (symbol_unknown) into the quarantine.
const badTape = join(dataDir, 'bad-tape.csv');
writeFileSync(badTape, `time,price,size,side,id,symbol\n${Date.now()},0.5,100,buy,x1,XRP-USDT\n`);

const env = {
  TICKLINE_DATA_DIR: dataDir,
  TICKLINE_HTTP_PORT: '0',
  TICKLINE_HTTP_HOST: '127.0.0.1',
  TICKLINE_SHUTDOWN_TIMEOUT_MS: '5000',
  // The tests poll anonymously several times a second; the default 60/min would answer 429.
  TICKLINE_HTTP_RATE_LIMIT_ANONYMOUS_REQUESTS_PER_MINUTE: '6000',
  TICKLINE_MARKET_SOURCES: JSON.stringify([
    {
      kind: 'simulator',
      tradesPerSecond: 20,
      markets: [
        { symbol: 'BTC-USDT', startPrice: 60_000 },
        { symbol: 'ETH-USDT', startPrice: 3_000 },
        { symbol: 'SOL-USDT', startPrice: 150 },
      ],
    },
    { kind: 'csv', name: 'bad-tape', files: [badTape], speed: 'max' },
  ]),
};

const running: RunningServer[] = [];
let server: RunningServer;
let adminToken = '';

interface ApiTrade {
  tradeId: string;
  exchangeTime: number;
  symbol: string;
}
const key = (t: ApiTrade) => `${t.symbol}|${t.tradeId}|${t.exchangeTime}`;

async function get(path: string, bearer?: string) {
  return callJson(server.url, 'GET', path, bearer ? { bearer } : {});
}

async function stop(s: RunningServer): Promise<void> {
  s.child.kill('SIGTERM');
  expect(await s.exited).toBe(0);
  running.splice(running.indexOf(s), 1);
}

/** Polls `path` until `check` holds on its body. */
async function poll(
  path: string,
  check: (body: any) => boolean,
  what: string,
  bearer?: string,
): Promise<any> {
  let body: any;
  try {
    await until(
      async () => {
        const response = await get(path, bearer);
        body = response.body;
        return response.status === 200 && check(body);
      },
      { timeoutMs: 60_000, intervalMs: 200, what },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}: ${JSON.stringify(body)}`, { cause: error });
  }
  return body;
}

beforeAll(async () => {
  server = await startTicklineServer(env);
  running.push(server);
  adminToken = await initialAdminToken(server.url, dataDir);
});

afterAll(() => {
  for (const s of running) s.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('market - through the tickline process', () => {
  it('markets - simulator trades and closed candles are served by the API', async () => {
    const trades = await poll('/api/v1/markets/BTC-USDT/trades', (b) => b.trades.length >= 10, 'ten trades');
    expect(trades.trades[0]).toMatchObject({
      exchange: 'simulator',
      symbol: 'BTC-USDT',
      side: expect.any(String),
    });
    const candles = await poll(
      '/api/v1/markets/BTC-USDT/candles?interval=1s',
      // Four: the SMA(2) below returns its last three values, the first warmed up on the candle before.
      (b) => b.candles.filter((c: { closed: boolean }) => c.closed).length >= 4,
      'four closed 1s candles',
    );
    const closed = candles.candles.filter((c: { closed: boolean }) => c.closed);
    for (const c of closed) {
      expect(c.closeTime - c.openTime).toBe(1_000);
      expect(c.high).toBeGreaterThanOrEqual(Math.max(c.open, c.close));
      expect(c.low).toBeLessThanOrEqual(Math.min(c.open, c.close));
    }

    const markets = (await get('/api/v1/markets')).body.markets as Array<{
      symbol: string;
      configured: boolean;
    }>;
    expect(markets.filter((m) => m.configured).map((m) => m.symbol)).toEqual([
      'BTC-USDT',
      'ETH-USDT',
      'SOL-USDT',
    ]);
    const sources = (await get('/api/v1/markets/sources')).body.sources;
    expect(sources).toContainEqual(expect.objectContaining({ name: 'simulator', state: 'live' }));
    expect(sources).toContainEqual(expect.objectContaining({ name: 'bad-tape', trades: 0, rejected: 1 }));
    const ticker = (await get('/api/v1/markets/ETH-USDT/ticker')).body;
    expect(ticker.last).toMatchObject({ symbol: 'ETH-USDT' });
    expect(ticker.stats24h.trades).toBeGreaterThan(0);
    const sma = (await get('/api/v1/markets/BTC-USDT/indicators?name=sma&interval=1s&period=2')).body;
    expect(sma).toMatchObject({ name: 'sma', params: { period: 2 } });
    expect(sma.points.at(-1).value).toEqual(expect.any(Number));
    // The last `limit` values, each warmed up on the candles before it: no null among them.
    const last = (await get('/api/v1/markets/BTC-USDT/indicators?name=sma&interval=1s&period=2&limit=3'))
      .body;
    expect(last.points).toHaveLength(3);
    expect(last.points.every((p: { value: unknown }) => typeof p.value === 'number')).toBe(true);
  });

  it('live - an SSE subscriber gets market:BTC-USDT:trades as they happen and a throttled ticker', async () => {
    const ticket = await streamTicket(server.url, adminToken);
    const stream = openEventSource(server.url, {
      channels: ['market:BTC-USDT:trades', 'market:BTC-USDT:ticker', 'market:BTC-USDT:indicators:1m'],
      types: ['market.trade', 'market.ticker', 'market.indicators.updated'],
      ticket,
    });
    try {
      expect(await stream.refused).toBe(200);
      await until(() => stream.events.filter((e) => e.type === 'market.trade').length >= 5, {
        timeoutMs: 15_000,
        what: 'five live trades',
      });
      const openedAt = performance.now();
      await until(() => performance.now() - openedAt > 2_000, {
        timeoutMs: 5_000,
        what: 'two seconds of stream',
      });
      const trades = stream.events.filter((e) => e.type === 'market.trade');
      expect(
        trades.every((e) => e.channel === 'market:BTC-USDT:trades' && e.data.symbol === 'BTC-USDT'),
      ).toBe(true);
      const times = trades.map((e) => e.data.exchangeTime as number);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      // Live: the last trade arrived recently, not as a replay of old history.
      expect(Date.now() - times.at(-1)!).toBeLessThan(5_000);
      const tickers = stream.events.filter((e) => e.type === 'market.ticker');
      expect(tickers.length).toBeGreaterThan(0);
      expect(tickers[0]!.data).toMatchObject({ symbol: 'BTC-USDT', last: expect.any(Number) });
      // At most 4 per second per symbol (20 trades/s arrive on this symbol).
      const window = tickers.filter((e) => e.at >= openedAt);
      expect(window.length).toBeLessThanOrEqual(10);
      // Live indicator values of the forming 1m candle (coalesced like the candle itself).
      const indicators = stream.events.filter((e) => e.type === 'market.indicators.updated');
      expect(indicators.length).toBeGreaterThan(0);
      expect(indicators[0]!.channel).toBe('market:BTC-USDT:indicators:1m');
      expect(indicators[0]!.data).toMatchObject({ symbol: 'BTC-USDT', interval: '1m', params: { sma: 20 } });
    } finally {
      stream.close();
    }
  });

  it.each([
    ['/api/v1/markets/BTC-USDT/candles?interval=7m', 'interval'],
    ['/api/v1/markets/BTC-USDT/candles?limit=0', 'limit'],
    ['/api/v1/markets/BTC-USDT/trades?from=2000&to=1000', 'from'],
    ['/api/v1/markets/BTC-USDT/trades?colour=red', ''],
    ['/api/v1/markets/btc-usdt/ticker', 'symbol'],
    ['/api/v1/markets/BTC-USDT/indicators?name=magic', 'name'],
    ['/api/v1/markets/BTC-USDT/indicators?name=rsi&period=-3', 'period'],
  ])('validation - %s → 400 HTTP_BAD_REQUEST naming %j', async (path, field) => {
    const response = await get(path);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('HTTP_BAD_REQUEST');
    if (field)
      expect(response.body.error.details.issues.map((i: { path: string }) => i.path)).toContain(field);
  });

  it('indicators - an anonymous request reads at most a candle page plus warm-up; signed in, more', async () => {
    // MACD 1,000/1,000 over 5,000 points reads 13,000 candles: ~3.6 s of CPU for a stranger (46.10).
    const costly =
      '/api/v1/markets/BTC-USDT/indicators?name=macd&interval=1s&slow=1000&signal=1000&limit=5000';
    const refused = await get(costly);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: 'MARKET_INDICATOR_TOO_COSTLY',
      details: { bars: 13_000, maxBars: 5_500 },
    });
    expect((await get(costly, adminToken)).status).toBe(200);
    // The usual parameters over a whole page stay open to anyone.
    expect((await get('/api/v1/markets/BTC-USDT/indicators?name=macd&interval=1s&limit=5000')).status).toBe(
      200,
    );
  });

  it('validation - a symbol neither configured nor stored is 404 MARKET_SYMBOL_NOT_FOUND', async () => {
    for (const path of ['/api/v1/markets/XRP-USDT/candles', '/api/v1/markets/XRP-USDT/ticker']) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(response.body.error).toMatchObject({
        code: 'MARKET_SYMBOL_NOT_FOUND',
        details: { symbol: 'XRP-USDT' },
      });
    }
  });

  it('admin - jobs and quarantine need an admin; the rejected trade is quarantined; a job runs on demand', async () => {
    expect((await get('/api/v1/markets/jobs')).status).toBe(401);
    expect((await get('/api/v1/markets/quarantine')).status).toBe(401);
    const jobs = (await get('/api/v1/markets/jobs', adminToken)).body.jobs;
    expect(jobs.map((j: { name: string }) => j.name)).toContain('partition-maintenance');
    // The scheduled run at start-up may still be going on a busy machine: 409 MARKET_JOB_RUNNING
    // says so, and the request is made again, as an operator would.
    let run = await callJson(server.url, 'POST', '/api/v1/markets/jobs/partition-maintenance/run', {
      bearer: adminToken,
    });
    for (let tries = 0; run.status === 409 && tries < 60; tries++) {
      expect(run.body.error.code).toBe('MARKET_JOB_RUNNING');
      await new Promise((resolve) => setTimeout(resolve, 500));
      run = await callJson(server.url, 'POST', '/api/v1/markets/jobs/partition-maintenance/run', {
        bearer: adminToken,
      });
    }
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    expect(run.body.run).toMatchObject({
      job: 'partition-maintenance',
      trigger: 'manual',
      status: 'succeeded',
    });
    const unknown = await callJson(server.url, 'POST', '/api/v1/markets/jobs/nope/run', {
      bearer: adminToken,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('MARKET_JOB_UNKNOWN');
    const { entries } = await poll(
      '/api/v1/markets/quarantine?reason=symbol_unknown',
      (b) => b.entries.length > 0,
      'the quarantined trade',
      adminToken,
    );
    expect(entries[0]).toMatchObject({
      source: 'bad-tape',
      symbol: 'XRP-USDT',
      reason: 'symbol_unknown',
      payload: { tradeId: 'x1', price: 0.5 },
    });
  });

  it('restart - history is still served, collection resumes, every trade is stored once', async () => {
    // Given what was stored before the stop
    const before = (await get('/api/v1/markets/BTC-USDT/trades?from=0&limit=5000')).body.trades as ApiTrade[];
    const candlesBefore = (await get('/api/v1/markets/BTC-USDT/candles?interval=1s&from=0&limit=5000')).body
      .candles as Array<{ openTime: number; closed: boolean }>;
    expect(before.length).toBeGreaterThan(0);
    await stop(server);
    const stoppedAt = Date.now();

    // When the process starts again on the same data dir
    server = await startTicklineServer(env);
    running.push(server);

    // Then collection resumes and everything stored before is still there
    const after = await poll(
      '/api/v1/markets/BTC-USDT/trades?from=0&limit=5000',
      (b) => b.trades.some((t: ApiTrade) => t.exchangeTime > stoppedAt),
      'trades after the restart',
    );
    const keys = new Set((after.trades as ApiTrade[]).map(key));
    expect(before.filter((t) => !keys.has(key(t)))).toEqual([]);
    expect(keys.size).toBe(after.trades.length);
    // Candles are a projection of their own: wait until it has caught up past the restart too.
    const candlesAfter = (
      await poll(
        '/api/v1/markets/BTC-USDT/candles?interval=1s&from=0&limit=5000',
        (b) => b.candles.some((c: { openTime: number }) => c.openTime >= stoppedAt),
        'candles after the restart',
      )
    ).candles as Array<{ openTime: number; incomplete: boolean }>;
    const opens = new Set(candlesAfter.map((c) => c.openTime));
    expect(candlesBefore.filter((c) => c.closed && !opens.has(c.openTime))).toEqual([]);
    // The first candle after the restart is marked incomplete: the stop left a gap.
    const firstAfter = candlesAfter.find((c) => c.openTime >= stoppedAt);
    expect(firstAfter?.incomplete).toBe(true);
    await stop(server);

    // And SQL holds each trade event of the log, up to the projection's checkpoint, exactly once
    const sql = await createPgliteSql({ dataDir: join(dataDir, 'db') });
    let stored: { rows: number; distinct: number };
    let checkpoint: number;
    try {
      const counts = await sql.query<{ rows: number; distinct: number }>(
        `select count(*)::int as rows, count(distinct (exchange, symbol, trade_id, exchange_time))::int as distinct
         from market_trades`,
      );
      stored = counts.rows[0]!;
      const cp = await sql.query<{ position: number }>(
        "select position from consumer_checkpoints where consumer = 'market-trades'",
      );
      checkpoint = Number(cp.rows[0]!.position);
    } finally {
      await sql.close();
    }
    const log = await createEmbeddedEventLog({ dir: join(dataDir, 'eventlog'), readOnly: true });
    let logged = 0;
    try {
      for (let from = 0; from <= checkpoint;) {
        const page = await log.read({ from, limit: 10_000 });
        if (page.length === 0) break;
        for (const record of page)
          if (record.offset <= checkpoint && record.type === 'market.trade') logged++;
        from = page.at(-1)!.offset + 1;
      }
    } finally {
      await log.close();
    }
    expect(stored.rows).toBe(stored.distinct);
    expect(stored.rows).toBe(logged);
  });
});
