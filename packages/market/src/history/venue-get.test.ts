import { describe, expect, it } from 'vitest';
import { isMarketVenueRateLimitedError } from '../port/errors.ts';
import { createVenueGetJson, retryAfterMs, usageWaitMs } from './venue-get.ts';

const answer = (status: number, headers: Record<string, string> = {}, body: unknown = []) =>
  new Response(JSON.stringify(body), { status, headers });

/** A fetch answering from `answers` in order, and the sleeps asked for. */
function venue(...answers: Response[]) {
  const waits: number[] = [];
  let calls = 0;
  const get = createVenueGetJson({
    fetch: async () => answers[calls++] ?? answer(200),
    sleep: async (ms) => void waits.push(ms),
    now: () => 1_000_000,
  });
  return { get, waits, calls: () => calls };
}

describe('venue GET', () => {
  it("waits the 429's Retry-After, then answers", async () => {
    const v = venue(answer(429, { 'retry-after': '7' }), answer(200, {}, [[1]]));
    expect(await v.get('http://venue/api/v3/klines')).toEqual([[1]]);
    expect([v.waits, v.calls()]).toEqual([[7_000], 2]);
  });

  it('stops on a ban (418) or a wait past its bound, with MARKET_VENUE_RATE_LIMITED', async () => {
    const banned = venue(answer(418, { 'retry-after': '120' }));
    const error = await banned.get('http://venue/api/v3/klines').catch((e: unknown) => e);
    expect(isMarketVenueRateLimitedError(error)).toBe(true);
    const long = venue(answer(429, { 'retry-after': '3600' }));
    expect(isMarketVenueRateLimitedError(await long.get('http://venue/x').catch((e: unknown) => e))).toBe(
      true,
    );
    expect([banned.waits, long.waits]).toEqual([[], []]);
  });

  it("paces the next call by the venue's usage headers", async () => {
    expect(usageWaitMs(new Headers({ 'x-mbx-used-weight-1m': '5900' }), 61_000)).toBe(59_000);
    expect(usageWaitMs(new Headers({ 'x-mbx-used-weight-1m': '2' }), 61_000)).toBe(0);
    expect(usageWaitMs(new Headers({ 'remaining-req': 'group=candles; min=599; sec=0' }), 0)).toBe(1_000);
    const v = venue(answer(200, { 'remaining-req': 'group=candles; min=599; sec=0' }), answer(200));
    await v.get('http://venue/v1/candles/minutes/1');
    await v.get('http://venue/v1/candles/minutes/1');
    expect(v.waits).toEqual([1_000]);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2', 0)).toBe(2_000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs(null, 0)).toBeUndefined();
  });
});
