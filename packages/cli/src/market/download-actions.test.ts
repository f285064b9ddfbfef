import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HistoryDownload } from '@tickline/protocol';
import { describe, expect, it } from 'vitest';
import { writeCredentials } from '../api/credentials.ts';
import type { CliIo } from '../io.ts';
import { downloadFeed, runMarketDownload } from './download-actions.ts';

const base: HistoryDownload = {
  id: 'd1',
  venue: 'binance',
  symbol: 'BTC-USDT',
  interval: '1h',
  from: '2025-01-01T00:00:00.000Z',
  to: '2025-01-03T00:00:00.000Z',
  status: 'running',
  daysTotal: 2,
  daysDone: 0,
  venueDays: 0,
  venueCalls: 0,
  candles: 0,
  error: null,
  createdAt: '2025-02-01T00:00:00.000Z',
  updatedAt: '2025-02-01T00:00:00.000Z',
};

/** A server whose download goes through `states` as it is read. */
function server(...states: Partial<HistoryDownload>[]) {
  const bodies: unknown[] = [];
  let reads = 0;
  const fetchFn = (async (_url: string, init?: RequestInit) => {
    if (typeof init?.body === 'string') bodies.push(JSON.parse(init.body));
    const download = { ...base, ...states[Math.min(reads++, states.length - 1)] };
    return new Response(JSON.stringify({ download }), { status: 200 });
  }) as typeof fetch;
  return { fetchFn, bodies };
}

function io(
  env: CliIo['env'] = { TICKLINE_URL: 'http://tickline.test', TICKLINE_TOKEN: 'token' },
): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    env,
    stdout: () => out,
    stderr: () => err,
  };
}

describe('market download', () => {
  it('reads one feed syntax: SYMBOL:INTERVAL:VENUE or the flags, binance by default', () => {
    expect(downloadFeed('ETH-USD:5m:coinbase', {})).toEqual({
      symbol: 'ETH-USD',
      interval: '5m',
      venue: 'coinbase',
    });
    expect(downloadFeed(undefined, { symbol: 'BTC-USDT', interval: '1h' })).toEqual({
      symbol: 'BTC-USDT',
      interval: '1h',
      venue: 'binance',
    });
    // Shares: a US share from alpaca, a KRX share's daily bars from kis.
    expect(downloadFeed('AAPL.US:1h:alpaca', {})).toEqual({
      symbol: 'AAPL.US',
      interval: '1h',
      venue: 'alpaca',
    });
    expect(downloadFeed('005930.KS:1d:kis', {})).toEqual({
      symbol: '005930.KS',
      interval: '1d',
      venue: 'kis',
    });
    expect(() => downloadFeed('BTC-USDT:1h:kraken', {})).toThrow(/--venue/);
    expect(() => downloadFeed('BTC-USDT:7m', {})).toThrow(/--interval/);
  });

  it('follows the download to its end with progress by days, and exits 1 saying how to resume', async () => {
    const ok = server(
      {},
      { daysDone: 1, venueDays: 1 },
      { status: 'complete', daysDone: 2, venueDays: 2, candles: 48 },
    );
    const done = io();
    const code = await runMarketDownload(
      done,
      'BTC-USDT:1h:binance',
      { from: '2025-01-01', to: '1735776000000', pollMs: 1 },
      ok.fetchFn,
    );
    expect(code).toBe(0);
    expect(ok.bodies).toEqual([
      {
        symbol: 'BTC-USDT',
        interval: '1h',
        venue: 'binance',
        from: '2025-01-01T00:00:00.000Z',
        to: '2025-01-02T00:00:00.000Z',
      },
    ]);
    expect(done.stderr()).toContain('2/2');
    expect(done.stdout()).toContain('days      2/2 (2 fetched from binance, 0 already held)');

    const failed = server({
      status: 'failed',
      daysDone: 1,
      error: { code: 'MARKET_VENUE_RATE_LIMITED', message: 'banned' },
    });
    const stopped = io();
    expect(
      await runMarketDownload(
        stopped,
        'BTC-USDT:1h',
        { from: '2025-01-01', to: '2025-01-03' },
        failed.fetchFn,
      ),
    ).toBe(1);
    expect(stopped.stderr()).toContain('[MARKET_VENUE_RATE_LIMITED]');
    expect(stopped.stderr()).toContain('run the same command again to resume');
  });

  it('goes to the server `tickline login` stored, with its token, when no --url or TICKLINE_URL names one', async () => {
    const config = mkdtempSync(join(tmpdir(), 'tickline-download-login-'));
    try {
      const signedIn = io({ XDG_CONFIG_HOME: config });
      writeCredentials(signedIn, { url: 'http://stored.test:9999', token: 'stored-token' });
      const calls: Array<{ url: string; authorization: string | null }> = [];
      const fetchFn = (async (url: string, init?: RequestInit) => {
        calls.push({ url, authorization: new Headers(init?.headers).get('authorization') });
        const download = { ...base, status: 'complete', daysDone: 2, venueDays: 2, candles: 48 };
        return new Response(JSON.stringify({ download }), { status: 200 });
      }) as typeof fetch;
      const code = await runMarketDownload(
        signedIn,
        'BTC-USDT:1h:binance',
        { from: '2025-01-01', to: '2025-01-03', pollMs: 1 },
        fetchFn,
      );
      expect(code, signedIn.stderr()).toBe(0);
      expect(calls[0]).toEqual({
        url: 'http://stored.test:9999/api/v1/history/downloads',
        authorization: 'Bearer stored-token',
      });
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  });
});
