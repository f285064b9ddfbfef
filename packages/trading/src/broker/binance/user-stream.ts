/**
 * @module One Binance account's user-data stream over the WebSocket API: connect, subscribe with
 * `userDataStream.subscribe.signature` (apiKey, timestamp, recvWindow, HMAC over the sorted
 * parameters; Binance ended the spot listenKey on 2026-02-20), then take `{ subscriptionId, event }`
 * frames in order. Nothing missed while away is replayed, so every subscription (the first and
 * each one after a drop) is announced with `onSubscribed`, where the owner reads what it may have
 * missed over REST. Drops are retried with doubling waits; a connection silent for longer than
 * Binance's ping period allows is taken as dead. The API key travels only in the subscribe frame:
 * nothing here logs a frame it sends.
 */
import type { Logger } from '@tickline/kernel';
import { type RawData, WebSocket } from 'ws';
import { z } from 'zod';
import { MAX_STREAM_RECONNECT_MS, type BinanceCredentials } from './config.ts';
import { BinanceCode } from './map-error.ts';
import { hmacSha256Hex, wsSignaturePayload } from './sign.ts';

/**
 * The server pings every 20 s and closes a connection that has not answered within a minute; a
 * connection with no frame and no ping for this long is gone even if no close arrived.
 */
export const DEFAULT_STREAM_SILENCE_MS = 60_000;
/** Waits this long for the socket to open and the subscription to be answered. */
const OPEN_TIMEOUT_MS = 10_000;

const frameSchema = z.union([
  z.object({ subscriptionId: z.number().int(), event: z.record(z.string(), z.unknown()) }),
  z.object({
    id: z.string(),
    status: z.number().int(),
    result: z.unknown().optional(),
    error: z.object({ code: z.number().int(), msg: z.string() }).optional(),
  }),
]);

/** Options for {@link BinanceUserStream}. */
export interface BinanceUserStreamOptions {
  /** The WebSocket API URL (`trading.venues.binance.wsApiUrl`). */
  url: string;
  credentials: BinanceCredentials;
  recvWindowMs: number;
  /** The venue's clock (local time plus the REST session's measured offset). */
  venueNow: () => number;
  /** Re-measures the venue clock (after a timestamp refusal). */
  resyncClock: () => Promise<unknown>;
  /** First wait before a reconnect; doubles up to {@link MAX_STREAM_RECONNECT_MS}. */
  reconnectMs: number;
  /** @default DEFAULT_STREAM_SILENCE_MS */
  silenceMs?: number;
  /** Each event, in order; the next waits for it. */
  onEvent: (event: Record<string, unknown>) => Promise<void>;
  /** After each subscription: `reconnect` is false the first time. */
  onSubscribed: (info: { reconnect: boolean }) => Promise<void>;
  /** The connection was lost (a reconnect follows): what it would have told may be missed. */
  onDropped?: () => void;
  logger: Logger;
}

/** See the module comment. */
export class BinanceUserStream {
  readonly #o: BinanceUserStreamOptions;
  #socket: WebSocket | undefined;
  #stopped = false;
  #subscribed = false;
  #everSubscribed = false;
  #attempt = 0;
  #retry: NodeJS.Timeout | undefined;
  #silence: NodeJS.Timeout | undefined;
  #queue: Promise<void> = Promise.resolve();
  #requests = 0;

  constructor(options: BinanceUserStreamOptions) {
    this.#o = options;
  }

  /** True while a subscription is active. */
  get subscribed(): boolean {
    return this.#subscribed;
  }

  start(): void {
    this.#stopped = false;
    this.#connect();
  }

  /** Closes the connection and stops reconnecting; resolves once queued events were handled. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    clearTimeout(this.#silence);
    this.#socket?.terminate();
    this.#socket = undefined;
    this.#subscribed = false;
    await this.#queue;
  }

  #connect(): void {
    if (this.#stopped) return;
    const socket = new WebSocket(this.#o.url, { handshakeTimeout: OPEN_TIMEOUT_MS });
    this.#socket = socket;
    const openTimer = setTimeout(() => socket.terminate(), OPEN_TIMEOUT_MS);
    socket.on('open', () => {
      this.#touch(socket);
      this.#subscribe(socket);
    });
    socket.on('message', (data: RawData) => {
      this.#touch(socket);
      this.#frame(socket, data, openTimer);
    });
    // ws answers the server's pings with pongs by itself; a ping still proves the line is alive.
    socket.on('ping', () => this.#touch(socket));
    socket.on('error', () => {
      // 'close' follows every 'error'; the reconnect is decided there.
    });
    socket.on('close', (code) => {
      clearTimeout(openTimer);
      if (this.#socket !== socket) return;
      clearTimeout(this.#silence);
      const was = this.#subscribed;
      this.#subscribed = false;
      this.#socket = undefined;
      if (this.#stopped) return;
      this.#o.onDropped?.();
      const waitMs = Math.min(MAX_STREAM_RECONNECT_MS, this.#o.reconnectMs * 2 ** this.#attempt++);
      this.#o.logger.warn({ code, subscribed: was, retryInMs: waitMs }, 'Binance user-data stream dropped');
      this.#retry = setTimeout(() => this.#connect(), waitMs);
    });
  }

  #touch(socket: WebSocket): void {
    clearTimeout(this.#silence);
    this.#silence = setTimeout(() => socket.terminate(), this.#o.silenceMs ?? DEFAULT_STREAM_SILENCE_MS);
  }

  #subscribe(socket: WebSocket): void {
    const params = {
      apiKey: this.#o.credentials.apiKey,
      recvWindow: this.#o.recvWindowMs,
      timestamp: Math.round(this.#o.venueNow()),
    };
    const signature = hmacSha256Hex(this.#o.credentials.apiSecret, wsSignaturePayload(params));
    const id = `subscribe-${++this.#requests}`;
    socket.send(
      JSON.stringify({ id, method: 'userDataStream.subscribe.signature', params: { ...params, signature } }),
    );
  }

  #frame(socket: WebSocket, data: RawData, openTimer: NodeJS.Timeout): void {
    let parsed: z.output<typeof frameSchema>;
    try {
      parsed = frameSchema.parse(JSON.parse(rawText(data)));
    } catch {
      this.#o.logger.warn('Binance user-data stream sent a frame it does not read; ignored');
      return;
    }
    if ('event' in parsed) {
      const event = parsed.event;
      if (event['e'] === 'eventStreamTerminated') {
        // The subscription ended at the venue: a new connection subscribes again.
        socket.terminate();
        return;
      }
      this.#queue = this.#queue.then(() =>
        this.#o.onEvent(event).catch((error: unknown) => {
          this.#o.logger.warn(
            { err: error, event: event['e'] },
            'a Binance user-data event could not be applied',
          );
        }),
      );
      return;
    }
    clearTimeout(openTimer);
    if (parsed.status === 200) {
      const reconnect = this.#everSubscribed;
      this.#subscribed = this.#everSubscribed = true;
      this.#attempt = 0;
      this.#queue = this.#queue.then(() =>
        this.#o.onSubscribed({ reconnect }).catch((error: unknown) => {
          this.#o.logger.warn({ err: error }, 'reading what the Binance user-data stream missed failed');
        }),
      );
      return;
    }
    const code = parsed.error?.code;
    this.#o.logger.warn({ status: parsed.status, code }, 'Binance refused the user-data stream subscription');
    // A timestamp outside the window: measure the venue clock again before the next attempt.
    if (code === BinanceCode.InvalidTimestamp) void this.#o.resyncClock().catch(() => undefined);
    socket.terminate();
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
