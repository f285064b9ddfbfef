import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRecorded } from '../test-io.test-support.ts';

const UPLOAD = {
  id: '01a215ce-bcdd-71e0-bc9e-fc6037dbb757',
  symbol: 'BTC-USDT',
  interval: '1h',
  exchange: 'binance',
  name: 'BTCUSDT-1h-2021.csv',
  totalBytes: 457_913,
  receivedBytes: 457_913,
  rows: 5_482,
  candles: 5_482,
  from: '2020-12-01T00:00:00.000Z',
  to: '2021-07-17T20:00:00.000Z',
  status: 'complete',
  createdAt: '2026-11-26T03:03:20.029Z',
  updatedAt: '2026-11-26T03:03:20.988Z',
};

/** A server's upload routes, in memory: what each request asked and with which credential. */
let server: Server;
let url = '';
const asked: string[] = [];
let held = [UPLOAD];

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
    const reply = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url?.startsWith('/api/v1/history/uploads?'))
      return reply(200, { uploads: held });
    const id = decodeURIComponent(req.url?.replace('/api/v1/history/uploads/', '') ?? '');
    if (req.method === 'DELETE' && held.some((u) => u.id === id)) {
      held = held.filter((u) => u.id !== id);
      return reply(204);
    }
    reply(404, { error: { code: 'STRATEGY_UPLOAD_NOT_FOUND', message: 'no such upload' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('tickline market uploads', () => {
  it('lists the uploads as columns, the id first (what delete takes)', async () => {
    const run = await runRecorded(['market', 'uploads', '--url', url, '--token', 'tk', '--limit', '5']);
    expect(run.outcome).toBe(0);
    const [head, row] = run.stdout.split('\n');
    expect(head).toMatch(/^id\s+market\s+candles\s+from\s+to\s+status\s+file$/);
    expect(row).toMatch(
      /^01a215ce-bcdd-71e0-bc9e-fc6037dbb757\s+BTC-USDT 1h \(binance\)\s+5,482\s+2020-12-01 00:00\s+2021-07-17 20:00\s+complete\s+BTCUSDT-1h-2021\.csv$/,
    );
    expect(asked.at(-1)).toBe('GET /api/v1/history/uploads?limit=5 Bearer tk');
  });

  it('deletes one by id with the options given after the id, then says the id is unknown', async () => {
    const run = await runRecorded(['market', 'uploads', 'delete', UPLOAD.id, '--url', url, '--token', 'tk']);
    expect([run.outcome, run.stdout]).toEqual([0, `deleted upload ${UPLOAD.id} and the candles it stored\n`]);
    expect(asked.at(-1)).toBe(`DELETE /api/v1/history/uploads/${UPLOAD.id} Bearer tk`);
    const again = await runRecorded(['market', 'uploads', 'delete', UPLOAD.id, '--json'], {
      TICKLINE_URL: url,
      TICKLINE_TOKEN: 'env',
    });
    expect(again.outcome).not.toBe(0);
    expect(again.stderr).toContain('[STRATEGY_UPLOAD_NOT_FOUND]');
    expect(asked.at(-1)).toBe(`DELETE /api/v1/history/uploads/${UPLOAD.id} Bearer env`);
    const empty = await runRecorded(['market', 'uploads', '--json', '--url', url, '--token', 'tk']);
    expect(JSON.parse(empty.stdout)).toEqual({ uploads: [] });
  });

  it('asks for a credential before calling anything', async () => {
    const before = asked.length;
    const run = await runRecorded(['market', 'uploads', 'delete', UPLOAD.id, '--url', url]);
    expect(run.outcome).not.toBe(0);
    expect(run.stderr).toContain('a credential is needed');
    expect(asked).toHaveLength(before);
  });
});
