/**
 * @module The REST GET a history download uses: it honours each venue's rate-limit answers instead
 * of failing on the first one. A 429 waits the venue's `Retry-After` (seconds) and tries again;
 * a 418 (Binance's ban) or a wait past `maxWaitMs` stops with MARKET_VENUE_RATE_LIMITED, so a
 * caller is never held for days. On success the usage headers pace the next call: Binance's
 * `X-MBX-USED-WEIGHT-1M` near the 6000/min budget waits for the next minute, Upbit's
 * `Remaining-Req: …; sec=0` waits a second. A 5xx or a lost connection is retried with backoff.
 */
import type { HttpGetJson } from '../sources/network/dialect.ts';
import { MarketError } from '../port/errors.ts';
import { timerSleep, type Sleep } from '../port/sleep.ts';

/** Binance's request weight per minute and IP; past 90 % of it the next call waits. */
const BINANCE_WEIGHT_PER_MINUTE = 6_000;
const WEIGHT_HEADROOM = 0.9;

export interface VenueGetOptions {
  fetch?: typeof fetch;
  /** @default 30_000 */
  timeoutMs?: number;
  /** Tries of one URL after a 429, a 5xx or a lost connection. @default 5 */
  maxRetries?: number;
  /** The longest one wait may be (a longer Retry-After fails the call). @default 120_000 */
  maxWaitMs?: number;
  /** @default the real timer */
  sleep?: Sleep;
  signal?: AbortSignal;
  /** Every request sent (for counting venue calls). */
  onRequest?: (url: string) => void;
  /** A wait the venue asked for, and why. */
  onWait?: (ms: number, reason: string) => void;
  /** @default Date.now */
  now?: () => number;
}

/** Seconds of a `Retry-After` (delta seconds or an HTTP date), in ms; undefined when absent. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** How long to wait before the next call, from a successful answer's usage headers. */
export function usageWaitMs(headers: Headers, now: number): number {
  const weight = Number(headers.get('x-mbx-used-weight-1m'));
  if (Number.isFinite(weight) && weight >= BINANCE_WEIGHT_PER_MINUTE * WEIGHT_HEADROOM) {
    return 60_000 - (now % 60_000);
  }
  const remaining = /sec=(\d+)/.exec(headers.get('remaining-req') ?? '');
  if (remaining && Number(remaining[1]) === 0) return 1_000;
  return 0;
}

/** A {@link HttpGetJson} that waits out the venue's limits (see the module comment). */
export function createVenueGetJson(options: VenueGetOptions = {}): HttpGetJson {
  const fetchImpl = options.fetch ?? fetch;
  const sleep = options.sleep ?? timerSleep;
  const now = options.now ?? Date.now;
  const maxRetries = options.maxRetries ?? 5;
  const maxWaitMs = options.maxWaitMs ?? 120_000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  let nextAt = 0;

  const wait = async (ms: number, reason: string): Promise<void> => {
    options.onWait?.(ms, reason);
    await sleep(ms, options.signal);
    if (options.signal?.aborted) throw options.signal.reason;
  };

  return async function venueGetJson(url: string): Promise<unknown> {
    const path = new URL(url).pathname;
    for (let attempt = 0; ; attempt++) {
      const paced = nextAt - now();
      if (paced > 0) await wait(paced, 'usage');
      let response: Response;
      try {
        options.onRequest?.(url);
        const timeout = AbortSignal.timeout(timeoutMs);
        response = await fetchImpl(url, {
          signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
          headers: { accept: 'application/json' },
        });
      } catch (cause) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (attempt >= maxRetries)
          throw new MarketError('MARKET_VENUE_FAILED', `GET ${path}: no answer`, { cause });
        await wait(500 * 2 ** attempt, 'no answer');
        continue;
      }
      if (response.ok) {
        nextAt = now() + usageWaitMs(response.headers, now());
        try {
          return await response.json();
        } catch (cause) {
          throw new MarketError('MARKET_VENUE_FAILED', `GET ${path}: the answer is not JSON`, { cause });
        }
      }
      await response.body?.cancel();
      const after = retryAfterMs(response.headers.get('retry-after'), now());
      if (response.status === 418 || (response.status === 429 && attempt >= maxRetries)) {
        throw new MarketError(
          'MARKET_VENUE_RATE_LIMITED',
          `GET ${path} answered ${response.status}${after === undefined ? '' : ` (retry after ${Math.ceil(after / 1000)} s)`}`,
          { details: { status: response.status, retryAfterMs: after ?? null } },
        );
      }
      if (response.status === 429) {
        const ms = after ?? 1_000 * 2 ** attempt;
        if (ms > maxWaitMs) {
          throw new MarketError(
            'MARKET_VENUE_RATE_LIMITED',
            `GET ${path} answered 429: retry after ${Math.ceil(ms / 1000)} s, past the ${maxWaitMs / 1000} s a download waits`,
            { details: { status: 429, retryAfterMs: ms } },
          );
        }
        await wait(ms, 'retry-after');
        continue;
      }
      if (response.status >= 500 && attempt < maxRetries) {
        await wait(500 * 2 ** attempt, `status ${response.status}`);
        continue;
      }
      throw new MarketError('MARKET_VENUE_FAILED', `GET ${path} answered ${response.status}`, {
        details: { status: response.status },
      });
    }
  };
}
