/**
 * @module The HTTP client every outbound channel POSTs through (webhooks, Web Push, SMS): one
 * undici agent whose connector resolves names through the SSRF guard (DNS rebinding is caught at
 * connect time), a literal-IP check before the request (a literal never reaches a lookup), a hard
 * deadline per attempt that covers connect, headers and body together, and a body read that stops
 * at the excerpt and hangs up on the rest. A receiver that drips a byte every few seconds or
 * answers 600 MB therefore costs one slot for at most the deadline and a few kilobytes of memory.
 *
 * It talks to undici's `dispatch` with a handler object rather than through `request()`: no body
 * stream, no AbortSignal and no timer per attempt — the deadline is one sweep over the attempts in
 * flight. On the webhook hot path `request()` cost more CPU than everything else the POST did
 * (see docs/notifications.md, "Round four").
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { NotifyError } from '../../errors.ts';
import { guardedLookup, isPrivateAddress, privateTargetMessage } from '../webhook/ssrf-guard.ts';

export interface GuardedClientOptions {
  /** Allow loopback, private and link-local targets (tests, labs). */
  allowPrivateTargets: boolean;
  /** The deadline of one attempt: connect, headers and the body read together (ms). */
  timeoutMs: number;
  /** Bytes of the answer kept; the rest is never read. */
  excerptBytes: number;
  /** Keep-alive connections to one origin at most. @default 256 */
  connectionsPerOrigin?: number;
}

/** An answer, cut to the excerpt. */
export interface GuardedResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** At most `excerptBytes` of the body (with `…` when there was more). */
  excerpt: string;
}

export interface GuardedPost {
  headers: Record<string, string>;
  body: string | Uint8Array;
}

export interface GuardedClient {
  /**
   * POSTs and reads the answer up to the excerpt, all within the deadline.
   * @throws DeadlineError when the deadline passed; NotifyError NOTIFY_URL_REJECTED for a private
   *   target; the transport's error (refused, reset) otherwise
   */
  post(url: URL, init: GuardedPost): Promise<GuardedResponse>;
  close(): Promise<void>;
}

/** An attempt ran out of its deadline (the answer was not complete in time). */
export class DeadlineError extends Error {
  override name = 'DeadlineError';
  readonly code = 'DEADLINE';
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/** The reason an attempt hangs up once it holds the excerpt: the rest is never read. */
class ExcerptTaken extends Error {
  override name = 'ExcerptTaken';
}

/** The deadline is checked this often, as a share of it: an attempt ends within 1/20 past it. */
const SWEEPS_PER_DEADLINE = 20;
const MIN_SWEEP_MS = 10;
const MAX_SWEEP_MS = 250;

/** One attempt: undici calls it as the answer arrives; it settles the caller's promise once. */
class Attempt implements Dispatcher.DispatchHandler {
  readonly startedAt = performance.now();
  #controller: Dispatcher.DispatchController | undefined;
  #expired: Error | undefined;
  #settled = false;
  #status = 0;
  #headers: IncomingHttpHeaders = {};
  #chunks: Buffer[] = [];
  #size = 0;

  readonly excerptBytes: number;
  readonly resolve: (response: GuardedResponse) => void;
  readonly reject: (error: Error) => void;
  readonly release: (attempt: Attempt) => void;

  constructor(
    excerptBytes: number,
    resolve: (response: GuardedResponse) => void,
    reject: (error: Error) => void,
    release: (attempt: Attempt) => void,
  ) {
    this.excerptBytes = excerptBytes;
    this.resolve = resolve;
    this.reject = reject;
    this.release = release;
  }

  /** Ends the attempt with `error` (the deadline); undici closes its connection. */
  expire(error: Error): void {
    if (this.#settled) return;
    this.#expired = error;
    // Before undici started the request there is no controller yet: it is aborted in onRequestStart.
    this.#controller?.abort(error);
    this.#fail(error);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#expired) controller.abort(this.#expired);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    this.#status = statusCode;
    this.#headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    if (this.#size > this.excerptBytes) {
      // Enough: answer with the excerpt and hang up, so the rest is neither read nor buffered.
      this.#succeed();
      controller.abort(new ExcerptTaken());
    }
  }

  onResponseEnd(): void {
    this.#succeed();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#fail(this.#expired ?? error);
  }

  #succeed(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.release(this);
    // Most receivers answer 204 or an empty 200: no buffer to join or decode for those.
    const body =
      this.#size === 0
        ? undefined
        : this.#chunks.length === 1
          ? this.#chunks[0]!
          : Buffer.concat(this.#chunks, this.#size);
    const excerpt =
      body === undefined
        ? ''
        : this.#size <= this.excerptBytes
          ? body.toString()
          : `${body.subarray(0, this.excerptBytes).toString()}…`;
    this.#chunks = [];
    this.resolve({ statusCode: this.#status, headers: this.#headers, excerpt });
  }

  #fail(error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.release(this);
    this.#chunks = [];
    this.reject(error);
  }
}

export function createGuardedClient(options: GuardedClientOptions): GuardedClient {
  const { timeoutMs, excerptBytes, allowPrivateTargets } = options;
  const sweepMs = Math.min(MAX_SWEEP_MS, Math.max(MIN_SWEEP_MS, Math.floor(timeoutMs / SWEEPS_PER_DEADLINE)));
  // Backstops only: per-chunk timers cannot bound a drip; the deadline below does. They fire after
  // the sweep would have, so an attempt past its deadline always fails with DeadlineError (one
  // stable message) and never with whichever of undici's timers happened to win the race.
  const backstopMs = timeoutMs + 4 * sweepMs;
  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? 256,
    headersTimeout: backstopMs,
    bodyTimeout: backstopMs,
    connect: { lookup: guardedLookup(allowPrivateTargets), timeout: backstopMs },
  });
  const inFlight = new Set<Attempt>();
  let sweeper: NodeJS.Timeout | undefined;

  /** Ends every attempt past its deadline; runs only while attempts are in flight. */
  function sweep(): void {
    const oldest = performance.now() - timeoutMs;
    for (const attempt of inFlight)
      if (attempt.startedAt <= oldest) attempt.expire(new DeadlineError(timeoutMs));
    if (inFlight.size === 0 && sweeper) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  }
  const release = (attempt: Attempt) => void inFlight.delete(attempt);
  /**
   * Each URL's origin, path and literal private host, worked out once: the webhook channel passes
   * the same parsed URL for every message to an endpoint.
   */
  const targets = new WeakMap<URL, { origin: string; path: string; privateHost: string | undefined }>();
  const targetOf = (url: URL) => {
    let target = targets.get(url);
    if (!target) {
      const host = url.hostname.replace(/^\[|\]$/g, '');
      target = {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        privateHost: isIP(host) && isPrivateAddress(host) ? host : undefined,
      };
      targets.set(url, target);
    }
    return target;
  };

  return {
    post(url, init) {
      const { origin, path, privateHost: host } = targetOf(url);
      // A literal IP is connected to without any lookup, so the guard looks at it here.
      if (!allowPrivateTargets && host !== undefined) {
        return Promise.reject(
          new NotifyError('NOTIFY_URL_REJECTED', privateTargetMessage(host, host), {
            details: { reason: 'private_address', address: host },
          }),
        );
      }
      return new Promise<GuardedResponse>((resolve, reject) => {
        const attempt = new Attempt(excerptBytes, resolve, reject, release);
        inFlight.add(attempt);
        if (!sweeper) {
          sweeper = setInterval(sweep, sweepMs);
          sweeper.unref();
        }
        try {
          agent.dispatch(
            {
              origin,
              path,
              method: 'POST',
              headers: init.headers,
              body: init.body,
            },
            attempt,
          );
        } catch (error) {
          attempt.onResponseError(undefined as never, error as Error);
        }
      });
    },
    async close() {
      if (sweeper) clearInterval(sweeper);
      sweeper = undefined;
      for (const attempt of inFlight) attempt.expire(new Error('client closed'));
      await agent.close();
    },
  };
}
