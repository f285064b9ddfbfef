import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFeed } from '../module/candle-feed.ts';
import { createStrategyTestApp, type StrategyTestApp } from '../testing/strategy-test-app.ts';

const MINUTE = 60_000;
const START = Date.UTC(2025, 5, 1);

/** Binance kline rows (data.binance.vision layout), one a minute from START + i minutes. */
function klineLines(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const open = START + i * MINUTE;
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
    return { status: res.status, json: (await res.json()) as Record<string, any> };
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
});
