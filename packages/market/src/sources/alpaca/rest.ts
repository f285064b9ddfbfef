/**
 * @module Alpaca REST access: every request carries `APCA-API-KEY-ID` / `APCA-API-SECRET-KEY`,
 * and the rate limit is obeyed from its headers — `X-RateLimit-Remaining` at 0 makes the next
 * request wait for `X-RateLimit-Reset` (epoch seconds), a 429 waits for it and retries. A wait
 * past the bound, or retries run out, leaves the 429 for the caller (the backfill counts it).
 */
import { systemClock, type Clock } from '@tickline/kernel';
import { timerSleep, type Sleep } from '../../port/sleep.ts';
import {
  ALPACA_KEY_HEADER,
  ALPACA_MAX_RATE_WAIT_MS,
  ALPACA_RATE_RETRIES,
  ALPACA_SECRET_HEADER,
} from './config.ts';
import type { AlpacaCredentials } from './requests.ts';

/** Options for {@link createAlpacaFetch}. */
export interface AlpacaFetchOptions extends AlpacaCredentials {
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default systemClock */
  clock?: Clock;
  /** @default timerSleep */
  sleep?: Sleep;
  /** @default ALPACA_MAX_RATE_WAIT_MS (60 s) */
  maxRateWaitMs?: number;
}

/** When the window resets, in epoch ms, from `X-RateLimit-Reset`; NaN when absent. */
function resetAtMs(response: Response): number {
  const reset = Number(response.headers.get('x-ratelimit-reset'));
  return reset > 0 ? reset * 1000 : NaN;
}

/** A `fetch` that authenticates to Alpaca and keeps to its rate limit. */
export function createAlpacaFetch(options: AlpacaFetchOptions): typeof fetch {
  const fetchImpl = options.fetch ?? fetch;
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? timerSleep;
  const maxWaitMs = options.maxRateWaitMs ?? ALPACA_MAX_RATE_WAIT_MS;
  /** The window is spent until then (epoch ms). */
  let blockedUntil = 0;

  async function waitUntil(atMs: number, signal: AbortSignal | undefined): Promise<boolean> {
    const waitMs = atMs - clock.now();
    if (waitMs <= 0) return true;
    if (waitMs > maxWaitMs) return false;
    await sleep(waitMs, signal);
    return !signal?.aborted;
  }

  return async function alpacaFetch(input, init = {}) {
    const headers = new Headers(init.headers);
    headers.set(ALPACA_KEY_HEADER, options.keyId);
    headers.set(ALPACA_SECRET_HEADER, options.secretKey);
    const signal = init.signal ?? undefined;
    for (let attempt = 0; ; attempt++) {
      await waitUntil(blockedUntil, signal);
      const response = await fetchImpl(input, { ...init, headers });
      const resetAt = resetAtMs(response);
      if (response.headers.get('x-ratelimit-remaining') === '0' && resetAt > blockedUntil)
        blockedUntil = resetAt;
      if (response.status !== 429 || attempt >= ALPACA_RATE_RETRIES) return response;
      const retryAt = Number.isFinite(resetAt) ? resetAt : clock.now() + 1_000;
      if (!(await waitUntil(retryAt, signal))) return response;
    }
  };
}
