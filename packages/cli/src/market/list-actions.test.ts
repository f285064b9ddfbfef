import { describe, expect, it } from 'vitest';
import type { MarketSummary } from '@tickline/protocol';
import { recordingIo } from '../test-io.test-support.ts';
import { listMarketsCommand } from './list-actions.ts';

const US = { exchange: 'US', name: 'NYSE / Nasdaq', currency: 'USD', timeZone: 'America/New_York' };
const markets: MarketSummary[] = [
  {
    symbol: 'AAPL.US',
    exchanges: ['alpaca'],
    configured: true,
    lastPrice: 231.5,
    lastTradeAt: 1,
    listing: US,
    // Thursday 2026-11-26 (Thanksgiving): Friday opens 09:30 ET = 14:30 UTC.
    session: { state: 'closed', nextOpen: Date.UTC(2026, 10, 27, 14, 30), holiday: 'Thanksgiving Day' },
  },
  {
    symbol: 'BTC-USDT',
    exchanges: ['binance'],
    configured: true,
    lastPrice: null,
    lastTradeAt: null,
    listing: null,
    session: { state: 'always-open' },
  },
];

/** A server answering the markets, recording each URL and whether it came with a credential. */
function server() {
  const asked: string[] = [];
  const fetchFn = (async (url: string, init?: RequestInit) => {
    const bearer = new Headers(init?.headers).has('authorization') ? ' (bearer)' : '';
    asked.push(`${url.replace('http://127.0.0.1:8080/api/v1', '')}${bearer}`);
    return new Response(JSON.stringify({ markets }), { headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { asked, fetchFn };
}

describe('tickline market list', () => {
  it('list - a share shows its exchange, currency and session; a pair 24/7', async () => {
    const { io, text } = recordingIo();
    const { asked, fetchFn } = server();
    await listMarketsCommand(io, {}, fetchFn);
    expect(asked).toEqual(['/markets (bearer)']);
    const [head, aapl, btc] = text().trimEnd().split('\n');
    expect(head).toMatch(/^symbol +exchange +currency +venues +last +session$/);
    expect(aapl).toMatch(
      /^AAPL\.US +US \(NYSE \/ Nasdaq\) +USD +alpaca +231\.5 +Closed · opens Fri 09:30 ET \(Thanksgiving Day\)$/,
    );
    expect(btc).toMatch(/^BTC-USDT +- +- +binance +- +24\/7$/);
  });

  it('list - a public route: no sign-in is needed', async () => {
    const out: string[] = [];
    // No token anywhere: the environment names none and the config home holds no login.
    const io = {
      out: (t: string) => void out.push(t),
      err: () => {},
      env: { XDG_CONFIG_HOME: '/nonexistent' },
    };
    const { asked, fetchFn } = server();
    await listMarketsCommand(io, {}, fetchFn);
    expect(asked).toEqual(['/markets']);
    expect(out.join('')).toContain('AAPL.US');
  });
});
