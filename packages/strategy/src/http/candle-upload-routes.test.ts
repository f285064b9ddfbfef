import { maintainMarketPartitions, queryCandles, type Candle } from '@tickline/market';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMA_CROSS_SOURCE } from '../examples/sma-cross.ts';
import { loadFeed, storeClosedCandles } from '../module/candle-feed.ts';
import { createStrategyTestApp, type StrategyTestApp } from '../testing/strategy-test-app.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const NOW = new Date();
/** Two months back: recent history, beside which older history is uploaded. */
const START = Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() - 2, 1);

/** Binance kline rows (data.binance.vision layout), one a minute from `start` + i minutes. */
function klineLines(from: number, count: number, start = START): string[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const open = start + i * MINUTE;
    const price = 100 + (i % 17);
    return [open, price, price + 2, price - 1, price + 1, 10, open + MINUTE - 1, 1000, 5, 4, 400, 0].join(',');
  });
}

/** The upload routes over a real socket, as the CLI and the dashboard call them. */
describe('kline CSV upload routes', () => {
  let t: StrategyTestApp;
  let base: string;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await createStrategyTestApp();
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    admin = (await t.admin()).auth;
  }, 120_000);
  afterAll(() => t?.close());

  const call = async (auth: Record<string, string>, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: (text === '' ? {} : JSON.parse(text)) as Record<string, any> };
  };
  const stored = async (symbol: string) =>
    (await loadFeed(t.sql, { symbol, interval: '1m', from: START, to: START + 10_000 * MINUTE })).columns.openTime.length;

  it('stores chunks, reports progress, and resumes after a lost chunk at the offset it names', async () => {
    const lines = ['open_time,open,high,low,close,volume,close_time,quote_volume,count,tbbav,tbqav,ignore', ...klineLines(0, 300)];
    const totalBytes = Buffer.byteLength(lines.join('\n') + '\n');
    const created = await call(admin, 'POST', '/history/uploads', { symbol: 'ETH-USDT', interval: '1m', totalBytes });
    expect(created.status).toBe(201);
    const id = created.json.upload.id as string;
    const chunk = (from: number, to: number) => ({ offset: from, csv: `${lines.slice(from, to).join('\n')}\n` });

    const first = await call(admin, 'POST', `/history/uploads/${id}/chunks`, chunk(0, 101));
    expect(first.json.upload).toMatchObject({ rows: 101, candles: 100, status: 'receiving' });
    expect(first.json.upload.receivedBytes / totalBytes).toBeGreaterThan(0.3);

    // The client lost its connection: a chunk past the lines held is refused with where to resume.
    const gap = await call(admin, 'POST', `/history/uploads/${id}/chunks`, chunk(201, 301));
    expect([gap.status, gap.json.error.code, gap.json.error.details.rows]).toEqual([409, 'STRATEGY_UPLOAD_OFFSET', 101]);
    const resumeAt = (await call(admin, 'GET', `/history/uploads/${id}`)).json.upload.rows as number;
    await call(admin, 'POST', `/history/uploads/${id}/chunks`, chunk(resumeAt, 201));
    // A chunk sent twice (the answer was lost) changes no counter.
    await call(admin, 'POST', `/history/uploads/${id}/chunks`, chunk(resumeAt, 201));
    const last = await call(admin, 'POST', `/history/uploads/${id}/chunks`, chunk(201, 301));
    expect(last.json.upload).toMatchObject({
      rows: 301,
      candles: 300,
      receivedBytes: totalBytes,
      from: new Date(START).toISOString(),
      to: new Date(START + 299 * MINUTE).toISOString(),
    });
    const done = await call(admin, 'POST', `/history/uploads/${id}/complete`);
    expect(done.json.upload.status).toBe('complete');
    expect(await stored('ETH-USDT')).toBe(300);
    const after = await call(admin, 'POST', `/history/uploads/${id}/chunks`, chunk(0, 1));
    expect([after.status, after.json.error.code]).toEqual([409, 'STRATEGY_UPLOAD_COMPLETE']);
  });

  it('refuses a wrong layout, an oversized chunk, non-admins and other admins’ uploads, storing nothing', async () => {
    const created = await call(admin, 'POST', '/history/uploads', { symbol: 'SOL-USDT', interval: '1m' });
    const id = created.json.upload.id as string;
    // A trades file (time,price,size) is not a kline file: the first bad line is named.
    const wrong = await call(admin, 'POST', `/history/uploads/${id}/chunks`, {
      offset: 0,
      csv: `${klineLines(0, 5).join('\n')}\n1717200000000,101.5,0.2\n`,
    });
    expect([wrong.status, wrong.json.error.code, wrong.json.error.details.line]).toEqual([400, 'MARKET_CSV_ROW_INVALID', 6]);
    // A line of words among the rows was skipped as if it were a header: only the first line may be one.
    const words = await call(admin, 'POST', `/history/uploads/${id}/chunks`, {
      offset: 0,
      csv: `${klineLines(0, 3).join('\n')}\nabc,def,1,1,1,1,1,1,1\n${klineLines(3, 2).join('\n')}\n`,
    });
    expect([words.status, words.json.error.code, words.json.error.details.line]).toEqual([400, 'MARKET_CSV_ROW_INVALID', 4]);
    expect(await stored('SOL-USDT')).toBe(0);
    expect((await call(admin, 'GET', `/history/uploads/${id}`)).json.upload.rows).toBe(0);

    const huge = await call(admin, 'POST', `/history/uploads/${id}/chunks`, { offset: 0, csv: 'x'.repeat(700 * 1024) });
    expect([huge.status, huge.json.error.code]).toEqual([413, 'HTTP_PAYLOAD_TOO_LARGE']);

    const user = (await t.user()).auth;
    const denied = await call(user, 'POST', '/history/uploads', { symbol: 'SOL-USDT', interval: '1m' });
    expect([denied.status, denied.json.error.code]).toEqual([403, 'AUTH_FORBIDDEN']);
    const other = (await t.admin()).auth;
    const foreign = await call(other, 'POST', `/history/uploads/${id}/chunks`, { offset: 0, csv: klineLines(0, 1)[0] });
    expect([foreign.status, foreign.json.error.code]).toEqual([404, 'STRATEGY_UPLOAD_NOT_FOUND']);
    expect(await stored('SOL-USDT')).toBe(0);
  });

  it('keeps candles of any age, 1 s ones too: the candle retention drops recorded candles only', async () => {
    const created = await call(admin, 'POST', '/history/uploads', { symbol: 'ADA-USDT', interval: '1m' });
    const id = created.json.upload.id as string;
    // 2020, then recent lines: the whole chunk is stored, and a maintenance pass on the default
    // retention (two years; what `tickline start` runs at start-up and hourly) leaves it.
    const old = Date.UTC(2020, 0, 1);
    const csv = `${[...klineLines(0, 3, old), ...klineLines(0, 3)].join('\n')}\n`;
    const chunk = await call(admin, 'POST', `/history/uploads/${id}/chunks`, { offset: 0, csv });
    expect(chunk.status, JSON.stringify(chunk.json)).toBe(200);
    expect(chunk.json.upload).toMatchObject({ rows: 6, candles: 6, from: new Date(old).toISOString() });
    // 1 s candles three days old: recorded ones are kept two days, imported ones until deleted.
    const fine = await call(admin, 'POST', '/history/uploads', { symbol: 'ADA-USDT', interval: '1s' });
    const second = Math.floor((Date.now() - 3 * DAY) / 1000) * 1000;
    const row = [second, 1, 2, 0.5, 1.5, 10, second + 999, 10, 1, 5, 5, 0].join(',');
    const fineChunk = await call(admin, 'POST', `/history/uploads/${fine.json.upload.id}/chunks`, { offset: 0, csv: `${row}\n` });
    expect([fineChunk.status, fineChunk.json.upload.candles]).toEqual([200, 1]);

    await maintainMarketPartitions(t.sql, Date.now());
    const oldFeed = await loadFeed(t.sql, { symbol: 'ADA-USDT', interval: '1m', from: old, to: old + 10 * MINUTE });
    expect(Array.from(oldFeed.columns.openTime)).toEqual([old, old + MINUTE, old + 2 * MINUTE]);
    expect(await stored('ADA-USDT')).toBe(3);
    const seconds = await queryCandles(t.sql, { symbol: 'ADA-USDT', interval: '1s', from: second });
    expect(seconds.map((c) => c.openTime)).toEqual([second]);
  });

  it('deletes an upload with the candles it stored and nothing else; another admin or a user cannot', async () => {
    // A recorded candle (a collector's) at the upload's first minute: it wins on reads, and stays.
    const recorded: Candle = {
      exchange: 'binance',
      symbol: 'DOT-USDT',
      interval: '1m',
      openTime: START,
      closeTime: START + MINUTE,
      open: 1,
      high: 9,
      low: 1,
      close: 9,
      volume: 1,
      quoteVolume: 9,
      trades: 1,
      incomplete: false,
      revision: 0,
    };
    await storeClosedCandles(t.sql, [recorded]);
    const created = await call(admin, 'POST', '/history/uploads', { symbol: 'DOT-USDT', interval: '1m' });
    const id = created.json.upload.id as string;
    await call(admin, 'POST', `/history/uploads/${id}/chunks`, { offset: 0, csv: `${klineLines(0, 10).join('\n')}\n` });
    const feed = async () => {
      const f = await loadFeed(t.sql, { symbol: 'DOT-USDT', interval: '1m', from: START, to: START + 100 * MINUTE });
      return { bars: f.columns.openTime.length, firstClose: f.columns.close[0] };
    };
    expect(await feed()).toEqual({ bars: 10, firstClose: 9 });

    const user = (await t.user()).auth;
    const denied = await call(user, 'DELETE', `/history/uploads/${id}`);
    expect([denied.status, denied.json.error.code]).toEqual([403, 'AUTH_FORBIDDEN']);
    const other = (await t.admin()).auth;
    const foreign = await call(other, 'DELETE', `/history/uploads/${id}`);
    expect([foreign.status, foreign.json.error.code]).toEqual([404, 'STRATEGY_UPLOAD_NOT_FOUND']);
    expect(await feed()).toEqual({ bars: 10, firstClose: 9 });
    expect((await call(admin, 'GET', `/history/uploads/${id}`)).json.upload.candles).toBe(10);

    const deleted = await call(admin, 'DELETE', `/history/uploads/${id}`);
    expect(deleted.status).toBe(204);
    expect(await feed()).toEqual({ bars: 1, firstClose: 9 });
    const gone = await call(admin, 'GET', `/history/uploads/${id}`);
    expect([gone.status, gone.json.error.code]).toEqual([404, 'STRATEGY_UPLOAD_NOT_FOUND']);
    const listed = (await call(admin, 'GET', '/history/uploads')).json.uploads as Array<{ id: string }>;
    expect(listed.map((u) => u.id)).not.toContain(id);
    const again = await call(admin, 'DELETE', `/history/uploads/${id}`);
    expect([again.status, again.json.error.code]).toEqual([404, 'STRATEGY_UPLOAD_NOT_FOUND']);
    const late = await call(admin, 'POST', `/history/uploads/${id}/chunks`, { offset: 0, csv: klineLines(0, 1)[0] });
    expect([late.status, late.json.error.code]).toEqual([404, 'STRATEGY_UPLOAD_NOT_FOUND']);
    expect(await feed()).toEqual({ bars: 1, firstClose: 9 });
  });
});

/**
 * Venue history of 2020 uploaded to a server on the default candle retention (two years): it is
 * imported history, which the maintenance pass that runs at every start and hourly leaves alone,
 * so backtests and research read it. The whole user path with `tickline start` is
 * `server/src/cli/market/old-history.e2e.test.ts`.
 */
describe('kline CSV upload routes - history older than two years on the default retention', () => {
  let t: StrategyTestApp;
  beforeAll(async () => {
    t = await createStrategyTestApp();
  }, 120_000);
  afterAll(() => t?.close());

  it('stores it, keeps it through maintenance passes, and a backtest runs on every candle', { timeout: 120_000 }, async () => {
    const { auth } = await t.admin();
    const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) =>
      t.app.inject({ method, url: `/api/v1${url}`, headers: auth, ...(payload ? { payload } : {}) });
    const HOUR = 60 * MINUTE;
    const FROM = Date.UTC(2020, 11, 1);
    const COUNT = 300;
    // A slow wave, so the SMA crossover trades on it.
    const csv = Array.from({ length: COUNT }, (_, i) => {
      const open = FROM + i * HOUR;
      const price = 600 + 50 * Math.sin(i / 15);
      return [open, price, price + 3, price - 3, price + 1, 10, open + HOUR - 1, 6000, 5, 4, 400, 0].join(',');
    }).join('\n');
    const created = await call('POST', '/history/uploads', { symbol: 'ETH-USDT', interval: '1h' });
    const id = created.json().upload.id as string;
    const chunk = await call('POST', `/history/uploads/${id}/chunks`, { offset: 0, csv: `${csv}\n` });
    expect(chunk.statusCode, chunk.body).toBe(200);
    expect(chunk.json().upload).toMatchObject({
      candles: COUNT,
      from: new Date(FROM).toISOString(),
      to: new Date(FROM + (COUNT - 1) * HOUR).toISOString(),
    });

    // What `tickline start` runs at start-up and then hourly, on the default retention.
    for (const now of [Date.now(), Date.now() + 30 * 24 * HOUR]) await maintainMarketPartitions(t.sql, now);
    const feed = await loadFeed(t.sql, { symbol: 'ETH-USDT', interval: '1h', from: FROM, to: FROM + COUNT * HOUR });
    expect(feed.columns.openTime.length).toBe(COUNT);

    const strategyId = (await call('POST', '/strategies', { name: 'sma', source: SMA_CROSS_SOURCE })).json().strategy.id as string;
    const range = { from: new Date(FROM).toISOString(), to: new Date(FROM + COUNT * HOUR).toISOString() };
    const queued = await call('POST', '/backtests', { strategyId, symbol: 'ETH-USDT', interval: '1h', ...range });
    expect(queued.statusCode, queued.body).toBe(202);
    let detail: Record<string, any> = {};
    for (const deadline = Date.now() + 100_000; Date.now() < deadline; ) {
      detail = (await call('GET', `/backtests/${queued.json().backtest.id}`)).json();
      if (!['queued', 'running'].includes(detail.backtest.status)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(detail.backtest.status, JSON.stringify(detail.backtest.error)).toBe('succeeded');
    const equity = (await call('GET', `/backtests/${queued.json().backtest.id}/equity`)).json().equity as number[][];
    expect(equity.length).toBe(COUNT);
    expect(detail.result.metrics.trades).toBeGreaterThan(0);
  });
});
