/**
 * @module WebSocket through the standard `WebSocket` (browsers, Node 22+). The ticket goes in the
 * upgrade URL (no headers can be set), the subscribe message carries the resume position, and an
 * application-level ping detects a dead peer that TCP would only notice minutes later.
 */
import { TicklineApiError } from '../errors.ts';
import {
  RECONNECTABLE_STREAM_ERRORS,
  shouldReconnectAfterClose,
  STREAM_TICKET_PARAM,
  type StreamClientMessage,
  type StreamServerMessage,
} from '@tickline/protocol';
import { onceEnded, type Transport } from './transport.ts';

/** Client ping period; the gateway pings too, but browsers hide protocol pings from scripts. */
export const DEFAULT_WS_PING_INTERVAL_MS = 20_000;
/** Pings without any answer before the connection is presumed dead. */
const MISSED_PINGS_LIMIT = 2;
const SUBSCRIBE_REF = 'sub';
const OPEN = 1;

/** The part of the WebSocket API used. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WsTransportOptions {
  WebSocket: WebSocketConstructor;
  /** Absolute `ws:`/`wss:` URL without query, e.g. `wss://host/api/v1/ws`. */
  wsUrl: string;
  /** @default 20_000 */
  pingIntervalMs?: number;
}

export function createWsTransport(options: WsTransportOptions): Transport {
  const pingIntervalMs = options.pingIntervalMs ?? DEFAULT_WS_PING_INTERVAL_MS;
  return function connectWs(request, handlers) {
    const query = new URLSearchParams({ [STREAM_TICKET_PARAM]: request.ticket });
    const ws = new options.WebSocket(`${options.wsUrl}?${query.toString()}`);
    const ending = onceEnded(handlers);
    let serverError: TicklineApiError | undefined;
    let missedPings = 0;
    let pinger: ReturnType<typeof setInterval> | undefined;

    const send = (message: StreamClientMessage) => {
      if (ws.readyState === OPEN) ws.send(JSON.stringify(message));
    };
    const stop = () => {
      clearInterval(pinger);
      pinger = undefined;
    };

    ws.addEventListener('open', () => {
      send({
        type: 'subscribe',
        channels: [...request.channels],
        ...(request.lastEventId !== undefined ? { lastEventId: request.lastEventId } : {}),
        ref: SUBSCRIBE_REF,
      });
      pinger = setInterval(() => {
        if (++missedPings > MISSED_PINGS_LIMIT) {
          stop();
          ending.end({
            retry: true,
            error: new TicklineApiError('CLIENT_NETWORK_ERROR', 'the WebSocket stopped answering pings'),
          });
          ws.close();
          return;
        }
        send({ type: 'ping' });
      }, pingIntervalMs);
    });

    ws.addEventListener('message', ({ data }) => {
      missedPings = 0;
      if (typeof data !== 'string') return;
      let message: StreamServerMessage;
      try {
        message = JSON.parse(data) as StreamServerMessage;
      } catch {
        return;
      }
      switch (message.type) {
        case 'event':
          handlers.event({
            id: message.id,
            type: message.event,
            channel: message.channel,
            data: message.data,
          });
          return;
        case 'subscribed':
          handlers.opened({
            position: message.position,
            resumed: message.resumed,
            recovered: message.recovered,
          });
          return;
        case 'reset':
          handlers.reset({ channels: message.channels, reason: message.reason });
          return;
        case 'error': {
          const error = new TicklineApiError(message.code, message.message, {
            ...(message.details ? { details: message.details } : {}),
          });
          if (message.ref === SUBSCRIBE_REF) {
            // The subscribe itself was refused (forbidden or invalid channel): retrying cannot help.
            stop();
            ending.end({ retry: false, error });
            ws.close(1000);
          } else {
            serverError = error;
          }
          return;
        }
        default:
          return;
      }
    });

    ws.addEventListener('close', ({ code, reason }) => {
      stop();
      if (serverError) {
        ending.end({ retry: RECONNECTABLE_STREAM_ERRORS.has(serverError.code), error: serverError });
        return;
      }
      const retry = shouldReconnectAfterClose(code);
      ending.end({
        retry,
        error: retry
          ? new TicklineApiError(
              'CLIENT_NETWORK_ERROR',
              `the WebSocket closed (${code}${reason ? ` ${reason}` : ''})`,
              {
                details: { closeCode: code },
              },
            )
          : new TicklineApiError('CLIENT_STREAM_REFUSED', `the WebSocket was closed with ${code}`, {
              details: { closeCode: code, reason },
            }),
      });
    });
    // 'error' is always followed by 'close', which decides.
    ws.addEventListener('error', () => {});

    return {
      close() {
        stop();
        ending.cancel();
        ws.close(1000);
      },
      // The WebSocket carries every type of the subscribed channels; filtering happens above.
      listen() {},
    };
  };
}
