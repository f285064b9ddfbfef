/**
 * @module The HTTP client every outbound channel POSTs through (webhooks, Web Push, SMS): one
 * undici agent whose connector resolves names through the SSRF guard (DNS rebinding is caught at
 * connect time), a literal-IP check before the request (a literal never reaches a lookup), a hard
 * deadline per attempt that covers connect, headers and body together, and a body read that stops
 * at the excerpt and destroys the rest. A receiver that drips a byte every few seconds or answers
 * 600 MB therefore costs one slot for at most the deadline and a few kilobytes of memory.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { NotifyError } from '../../errors.ts';
import { guardedLookup, isPrivateAddress } from '../webhook/ssrf-guard.ts';

export interface GuardedClientOptions {
  /** Allow loopback, private and link-local targets (tests, labs). */
  allowPrivateTargets: boolean;
  /** The deadline of one attempt: connect, headers and the body read together (ms). */
  timeoutMs: number;
  /** Bytes of the answer kept; the rest is never read. */
  excerptBytes: number;
  /** @default 256 */
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

/**
 * Reads `body` until `maxBytes` (or its end) and destroys what is left, so an endless or huge
 * answer is never buffered: undici closes the connection of a body destroyed early.
 */
export async function readExcerpt(body: Readable, maxBytes: number): Promise<string> {
  if (maxBytes <= 0) {
    body.destroy();
    return '';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= maxBytes) break; // leaving the loop destroys the stream
  }
  const buf = Buffer.concat(chunks, size);
  return size <= maxBytes ? buf.toString() : `${buf.subarray(0, maxBytes).toString()}…`;
}

export function createGuardedClient(options: GuardedClientOptions): GuardedClient {
  const { timeoutMs, excerptBytes, allowPrivateTargets } = options;
  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? 256,
    // Backstops only: per-chunk timers cannot bound a drip; the deadline below does.
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { lookup: guardedLookup(allowPrivateTargets), timeout: timeoutMs },
  });
  return {
    async post(url, init) {
      const host = url.hostname.replace(/^\[|\]$/g, '');
      // A literal IP is connected to without any lookup, so the guard looks at it here.
      if (!allowPrivateTargets && isIP(host) && isPrivateAddress(host)) {
        throw new NotifyError('NOTIFY_URL_REJECTED', `${host} is a private address`, {
          details: { reason: 'private_address', address: host },
        });
      }
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(new DeadlineError(timeoutMs)), timeoutMs);
      try {
        const response = await request(url, {
          method: 'POST',
          dispatcher: agent,
          headers: init.headers,
          body: init.body,
          signal: deadline.signal,
        });
        const excerpt = await readExcerpt(response.body, excerptBytes);
        return { statusCode: response.statusCode, headers: response.headers, excerpt };
      } catch (error) {
        // undici reports an abort as its own error; the reason says what happened.
        if (deadline.signal.aborted) throw deadline.signal.reason as Error;
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => agent.close(),
  };
}
