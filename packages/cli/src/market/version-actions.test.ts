import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordingIo } from '../test-io.test-support.ts';
import { actionsCommand, listVersionsCommand } from './version-actions.ts';

const T = Date.UTC(2025, 5, 2, 13, 30);
const split = {
  id: 1,
  symbol: 'AAPL.US',
  kind: 'split',
  exDate: '2025-06-04',
  exTime: T,
  ratio: 4,
  amount: null,
  source: 'alpaca',
  status: 'applied',
  reason: null,
  dataVersion: 9,
};

/** A server answering `body` and recording `METHOD path body`. */
function server(body: unknown) {
  const asked: string[] = [];
  const fetchFn = (async (url: string, init?: RequestInit) => {
    asked.push(`${init?.method ?? 'GET'} ${url.replace('http://127.0.0.1:8080/api/v1', '')} ${typeof init?.body === 'string' ? init.body : ''}`.trim());
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { asked, fetchFn };
}

describe('tickline market versions and actions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickline-actions-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('versions - lists a symbol’s versions as columns', async () => {
    const { io, text } = recordingIo();
    const version = { id: 9, exchange: null, symbol: 'AAPL.US', interval: null, kind: 'download', source: 'download:alpaca', firstOpen: T, lastOpen: T, changed: 30, createdAt: T };
    const { asked, fetchFn } = server({ symbol: 'AAPL.US', versions: [version] });
    await listVersionsCommand(io, 'AAPL.US', { interval: '1d' }, fetchFn);
    expect(asked).toEqual(['GET /markets/AAPL.US/versions?interval=1d']);
    expect(text()).toMatch(/^version +kind +source/);
    expect(text()).toMatch(/9 +download +download:alpaca +all +30 +2025-06-02 13:30/);
  });

  it('actions - lists, fetches from the provider, imports a file; bad flags are refused before any call', async () => {
    const listed = recordingIo();
    await actionsCommand(listed.io, 'AAPL.US', {}, server({ actions: [split, { ...split, id: 2, status: 'flagged', reason: 'no price jump' }] }).fetchFn);
    expect(listed.text()).toContain('flagged: no price jump');

    const fetched = recordingIo();
    const provider = server({ version: 9, stored: [split], duplicates: 0 });
    await actionsCommand(fetched.io, 'AAPL.US', { fetch: true, start: '2025-01-01', end: '2025-12-31' }, provider.fetchFn);
    expect(provider.asked).toEqual(['POST /markets/AAPL.US/corporate-actions/fetch {"start":"2025-01-01","end":"2025-12-31"}']);
    expect(fetched.text()).toContain('AAPL.US: 1 stored, 0 already held (data version 9)');

    const file = join(dir, 'actions.json');
    writeFileSync(file, JSON.stringify([{ kind: 'dividend', exDate: '2025-06-04', amount: 0.25 }]));
    const imported = server({ version: null, stored: [], duplicates: 1 });
    await actionsCommand(recordingIo().io, '005930.KS', { import: file, source: 'krx-notice' }, imported.fetchFn);
    expect(imported.asked).toEqual([
      'POST /markets/005930.KS/corporate-actions {"actions":[{"kind":"dividend","exDate":"2025-06-04","amount":0.25}],"source":"krx-notice"}',
    ]);

    const never = server({});
    await expect(actionsCommand(recordingIo().io, 'AAPL.US', { fetch: true }, never.fetchFn)).rejects.toThrow(/--start and --end/);
    await expect(actionsCommand(recordingIo().io, 'AAPL.US', { fetch: true, import: file }, never.fetchFn)).rejects.toThrow(/mutually exclusive/);
    await expect(actionsCommand(recordingIo().io, 'AAPL.US', { import: join(dir, 'missing.json') }, never.fetchFn)).rejects.toThrow(/--import/);
    expect(never.asked).toEqual([]);
  });
});
