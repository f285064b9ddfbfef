/**
 * @module One WebSocket connection to a venue: opening with a timeout, paced sends, the
 * application keep-alive, the liveness watchdog and the lifetime cut. It never throws; it ends
 * once, with a record of why, and the source decides what comes next.
 */
import type { Clock } from '@tickline/kernel';
import { WebSocket, type RawData } from 'ws';
import type { Sleep } from '../../port/sleep.ts';
import { RatePacer, type RateWindow } from './rate-pacer.ts';
import { Watchdog } from './watchdog.ts';

/** Why a connection ended. */
export const EndCause = {
  /** Never opened: refused, HTTP error, timeout, DNS. */
  Refused: 'refused',
  /** The venue or the network closed it. */
  Closed: 'closed',
  /** Silent past the watchdog deadline. */
  Stale: 'stale',
  /** Proactive reconnect before the venue's lifetime cut. */
  Lifetime: 'lifetime',
  /** The venue announced a disconnect (Binance `serverShutdown`). */
  Shutdown: 'shutdown',
  Stopped: 'stopped',
} as const;
export type EndCause = (typeof EndCause)[keyof typeof EndCause];

/** How a connection ended. */
export interface ConnectionEnd {
  readonly cause: EndCause;
  readonly opened: boolean;
  /** WebSocket close code (1006 when the socket died without one). */
  readonly code: number;
  readonly reason: string;
  /** HTTP status of a refused upgrade. */
  readonly httpStatus?: number;
  /** The venue said "too many requests" (close code or HTTP 429). */
  readonly rateLimited: boolean;
}

/** What the source tells a connection. */
export interface ConnectionOptions {
  url: string;
  connectTimeoutMs: number;
  /** ws refuses a message whose declared length is larger (close 1009) before buffering it. */
  maxFrameBytes: number;
  silenceMs: number;
  maxLifetimeMs: number | undefined;
  keepaliveMs: number | undefined;
  keepaliveFrame: string | undefined;
  outboundLimits: readonly RateWindow[];
  rateLimitCloseCodes: readonly number[];
  clock: Clock;
  sleep: Sleep;
  onOpen(): void;
  onFrame(text: string): void;
  onStale(silentMs: number): void;
  onSendError(error: unknown): void;
}

const CLOSE_NORMAL = 1000;
const CLOSE_GOING_AWAY = 1001;
const CLOSE_ABNORMAL = 1006;
const HTTP_TOO_MANY_REQUESTS = 429;
/** How long a polite close may take before the socket is destroyed. */
const CLOSE_GRACE_MS = 1_000;

/** A live connection; `ended` settles once. */
export class Connection {
  readonly ended: Promise<ConnectionEnd>;
  readonly #options: ConnectionOptions;
  readonly #ws: WebSocket;
  readonly #pacer: RatePacer;
  readonly #abort = new AbortController();
  readonly #watchdog: Watchdog;
  #opened = false;
  #cause: EndCause | null = null;
  #httpStatus: number | undefined;
  #timers: NodeJS.Timeout[] = [];

  constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#pacer = new RatePacer(options.outboundLimits, options.clock, options.sleep);
    this.#watchdog = new Watchdog(options.silenceMs, options.clock, (silent) => {
      options.onStale(silent);
      this.end(EndCause.Stale);
    });
    // No Origin header: Upbit limits requests that carry one to 1 per 10 s.
    this.#ws = new WebSocket(options.url, {
      handshakeTimeout: options.connectTimeoutMs,
      maxPayload: options.maxFrameBytes,
    });
    this.ended = new Promise((resolve) => {
      this.#ws.on('close', (code, reason) => {
        this.#cleanup();
        const cause = this.#cause ?? (this.#opened ? EndCause.Closed : EndCause.Refused);
        resolve({
          cause,
          opened: this.#opened,
          code,
          reason: reason.toString('utf8') || (code === CLOSE_ABNORMAL ? 'connection lost' : ''),
          ...(this.#httpStatus === undefined ? {} : { httpStatus: this.#httpStatus }),
          rateLimited:
            this.#httpStatus === HTTP_TOO_MANY_REQUESTS || options.rateLimitCloseCodes.includes(code),
        });
      });
    });
    this.#ws.on('error', () => {
      // 'close' follows every 'error'; the end record carries the outcome.
    });
    this.#ws.on('unexpected-response', (_request, response) => {
      this.#httpStatus = response.statusCode;
      response.resume();
      this.#ws.terminate();
    });
    this.#ws.on('open', () => this.#open());
    this.#ws.on('message', (data: RawData) => {
      this.#watchdog.touch();
      options.onFrame(rawToText(data));
    });
    // ws answers pings with pongs echoing the payload by itself (autoPong); both prove liveness.
    this.#ws.on('ping', () => this.#watchdog.touch());
    this.#ws.on('pong', () => this.#watchdog.touch());
  }

  get isOpen(): boolean {
    return this.#opened && this.#cause === null && this.#ws.readyState === WebSocket.OPEN;
  }

  /** Sends one frame when the pacer allows; false when the connection ended first. */
  async send(frame: string): Promise<boolean> {
    if (!(await this.#pacer.take(this.#abort.signal)) || !this.isOpen) return false;
    try {
      this.#ws.send(frame);
      return true;
    } catch (error) {
      this.#options.onSendError(error);
      return false;
    }
  }

  /**
   * Stops reading from the socket (backpressure); TCP pushes back on the venue. The watchdog rests
   * meanwhile: the silence is ours, not the venue's.
   */
  pause(): void {
    if (this.#ws.readyState !== WebSocket.OPEN || this.#cause !== null) return;
    this.#ws.pause();
    this.#watchdog.stop();
  }

  resume(): void {
    if (this.#ws.readyState !== WebSocket.OPEN || this.#cause !== null) return;
    this.#ws.resume();
    this.#watchdog.start();
  }

  /** Ends the connection for `cause`; a stale socket is destroyed rather than closed politely. */
  end(cause: EndCause): void {
    if (this.#cause !== null) return;
    this.#cause = cause;
    this.#abort.abort();
    this.#watchdog.stop();
    const state = this.#ws.readyState;
    if (cause === EndCause.Stale || state === WebSocket.CONNECTING) {
      this.#ws.terminate();
      return;
    }
    if (state === WebSocket.OPEN) {
      this.#ws.close(cause === EndCause.Stopped ? CLOSE_NORMAL : CLOSE_GOING_AWAY, cause);
      const t = setTimeout(() => this.#ws.terminate(), CLOSE_GRACE_MS);
      t.unref();
      this.#timers.push(t);
    }
  }

  #open(): void {
    if (this.#cause !== null) return;
    this.#opened = true;
    this.#watchdog.start();
    const { keepaliveMs, keepaliveFrame, maxLifetimeMs } = this.#options;
    if (keepaliveMs !== undefined && keepaliveFrame !== undefined) {
      const t = setInterval(() => void this.send(keepaliveFrame), keepaliveMs);
      t.unref();
      this.#timers.push(t);
    }
    if (maxLifetimeMs !== undefined) {
      const t = setTimeout(() => this.end(EndCause.Lifetime), maxLifetimeMs);
      t.unref();
      this.#timers.push(t);
    }
    this.#options.onOpen();
  }

  #cleanup(): void {
    this.#abort.abort();
    this.#watchdog.stop();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
  }
}

function rawToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
