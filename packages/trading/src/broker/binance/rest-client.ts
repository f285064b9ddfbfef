/**
 * @module Signed REST calls to Binance spot: the timestamp on the venue's clock, the receive
 * window, the signature, and the two things a client must not get wrong. (1) Clock offset: the
 * venue refuses a request whose timestamp is more than 1 s ahead of its clock or older than
 * `recvWindow` (-1021), so timestamps are local time plus an offset measured with
 * `GET /api/v3/time` (half the round trip assumed each way), re-measured periodically and at once
 * after a -1021. (2) Rate limits: after a 429 or 418 nothing is sent until `Retry-After` has passed,
 * because going on after 429s is what earns the 418 ban.
 */
import type { Clock } from '@tickline/kernel';
import type { BinanceCredentials, BinanceSpotConfig } from './config.ts';
import { BinanceCode, type BinanceErrorAnswer, retryAfterMs } from './map-error.ts';
import { binanceTimeSchema } from './map-order.ts';
import { type BinanceParams, encodeParams, signedQuery } from './sign.ts';

// A 429/418 without a readable Retry-After still stops us for this long.
const DEFAULT_BACKOFF_MS = 60_000;

/** How a call ended. */
export type RestResult =
  | { kind: 'ok'; body: unknown }
  /** The venue answered with an error status. */
  | { kind: 'error'; answer: BinanceErrorAnswer }
  /** No answer: connection failure or timeout. For an order, the outcome is unknown. */
  | { kind: 'lost'; cause: unknown }
  /** Not sent: the venue asked us to wait until `retryAfterMs` from now. */
  | { kind: 'blocked'; retryAfterMs: number };

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** Options for {@link BinanceRestClient}. */
export interface BinanceRestClientOptions {
  config: Pick<BinanceSpotConfig, 'baseUrl' | 'recvWindowMs' | 'requestTimeoutMs' | 'timeSyncIntervalMs'>;
  credentials: BinanceCredentials;
  clock: Clock;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** One account's REST session: clock offset and rate-limit state live here. */
export class BinanceRestClient {
  readonly #o: BinanceRestClientOptions;
  readonly #fetch: typeof fetch;
  #offsetMs = 0;
  #syncedAt = Number.NEGATIVE_INFINITY;
  #blockedUntil = 0;

  constructor(options: BinanceRestClientOptions) {
    this.#o = options;
    this.#fetch = options.fetch ?? fetch;
  }

  /** Venue time minus local time, as last measured. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Measures the offset to the venue clock. Returns false when the venue did not answer. */
  async syncTime(): Promise<boolean> {
    const before = this.#o.clock.now();
    const result = await this.#send('GET', '/api/v3/time', '', false);
    const after = this.#o.clock.now();
    if (result.kind !== 'ok') return false;
    const parsed = binanceTimeSchema.safeParse(result.body);
    if (!parsed.success) return false;
    this.#offsetMs = Math.round(parsed.data.serverTime - (before + after) / 2);
    this.#syncedAt = after;
    return true;
  }

  /** A public market-data call (no key, no signature): `GET /api/v3/exchangeInfo`. */
  public(path: string, params: BinanceParams): Promise<RestResult> {
    return this.#send('GET', path, encodeParams(params), false);
  }

  /** A SIGNED call (TRADE / USER_DATA). A -1021 resyncs the clock and retries once. */
  async signed(method: HttpMethod, path: string, params: BinanceParams): Promise<RestResult> {
    if (this.#o.clock.now() - this.#syncedAt >= this.#o.config.timeSyncIntervalMs) await this.syncTime();
    const first = await this.#signedOnce(method, path, params);
    if (first.kind !== 'error' || first.answer.code !== BinanceCode.InvalidTimestamp) return first;
    await this.syncTime();
    return this.#signedOnce(method, path, params);
  }

  #signedOnce(method: HttpMethod, path: string, params: BinanceParams): Promise<RestResult> {
    const payload = encodeParams({
      ...params,
      recvWindow: this.#o.config.recvWindowMs,
      timestamp: Math.round(this.#o.clock.now() + this.#offsetMs),
    });
    return this.#send(method, path, signedQuery(this.#o.credentials.apiSecret, payload), true);
  }

  async #send(method: HttpMethod, path: string, query: string, signed: boolean): Promise<RestResult> {
    const wait = this.#blockedUntil - this.#o.clock.now();
    if (wait > 0) return { kind: 'blocked', retryAfterMs: wait };
    const url = `${this.#o.config.baseUrl.replace(/\/$/, '')}${path}${query ? `?${query}` : ''}`;
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url, {
        method,
        headers: signed
          ? { 'X-MBX-APIKEY': this.#o.credentials.apiKey, accept: 'application/json' }
          : { accept: 'application/json' },
        signal: AbortSignal.timeout(this.#o.config.requestTimeoutMs),
      });
      text = await response.text();
    } catch (cause) {
      return { kind: 'lost', cause };
    }
    const body = parseJson(text);
    if (response.ok)
      return body === undefined
        ? { kind: 'lost', cause: new Error(`unreadable answer from ${path}`) }
        : { kind: 'ok', body };
    const answer: BinanceErrorAnswer = { status: response.status };
    const retryAfter = retryAfterMs(response.headers.get('retry-after'));
    if (retryAfter !== undefined) answer.retryAfterMs = retryAfter;
    if (isErrorBody(body)) {
      answer.code = body.code;
      answer.msg = body.msg;
    }
    if (response.status === 429 || response.status === 418) {
      answer.retryAfterMs ??= DEFAULT_BACKOFF_MS;
      this.#blockedUntil = this.#o.clock.now() + answer.retryAfterMs;
    }
    return { kind: 'error', answer };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isErrorBody(body: unknown): body is { code: number; msg: string } {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { code?: unknown }).code === 'number' &&
    typeof (body as { msg?: unknown }).msg === 'string'
  );
}
