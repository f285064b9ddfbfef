/**
 * @module SSE through an `EventSource` (the browser's, or the `eventsource` package on Node).
 *
 * The gateway names every frame after its event type (`event: account.created`), and EventSource
 * only dispatches named events to listeners registered for that name, so the subscription's event
 * types are registered one by one. EventSource's own reconnect is cut short: it would reuse the
 * URL, whose stream ticket expires in about a minute; the subscription reconnects with a new one.
 */
import { TicklineApiError } from '../errors.ts';
import {
  LAST_EVENT_ID_PARAM,
  RECONNECTABLE_STREAM_ERRORS,
  STREAM_TICKET_PARAM,
  type WireEvent,
} from '@tickline/protocol';
import { onceEnded, type EndedInfo, type Transport } from './transport.ts';

/** The part of a `MessageEvent` the transport reads. */
export interface EventSourceMessage {
  data?: unknown;
  lastEventId?: string;
  /** The `eventsource` package sets the HTTP status of a refused connection here. */
  code?: number;
  message?: string;
}

/** The part of the EventSource API used. */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: EventSourceMessage) => void): void;
  close(): void;
}

export type EventSourceConstructor = new (
  url: string,
  init?: { withCredentials?: boolean },
) => EventSourceLike;

export interface SseTransportOptions {
  EventSource: EventSourceConstructor;
  /** Absolute stream URL without query, e.g. `https://host/api/v1/stream`. */
  streamUrl: string;
  /** Send cookies cross-origin (cookie-authenticated streams). @default false */
  withCredentials?: boolean;
}

/** Statuses after which a new ticket cannot help: the request itself is refused. */
const REFUSED_STATUSES: ReadonlySet<number> = new Set([400, 403, 404, 414]);
/** The control events the gateway sends besides the app's event types. */
const CONTROL_EVENTS: ReadonlySet<string> = new Set(['subscribed', 'reset', 'error']);

export function createSseTransport(options: SseTransportOptions): Transport {
  return function connectSse(request, handlers) {
    const query = new URLSearchParams({
      channels: request.channels.join(','),
      [STREAM_TICKET_PARAM]: request.ticket,
    });
    if (request.lastEventId !== undefined) query.set(LAST_EVENT_ID_PARAM, request.lastEventId);
    const es = new options.EventSource(`${options.streamUrl}?${query.toString()}`, {
      withCredentials: options.withCredentials ?? false,
    });
    const ending = onceEnded(handlers);
    const listening = new Set<string>();
    let serverError: TicklineApiError | undefined;

    const end = (info: EndedInfo) => {
      es.close();
      ending.end(info);
    };
    const parse = (event: EventSourceMessage): any => {
      if (typeof event.data !== 'string') return undefined;
      try {
        return JSON.parse(event.data);
      } catch {
        return undefined;
      }
    };

    es.addEventListener('subscribed', (event) => {
      const data = parse(event) as { resumed?: boolean; recovered?: boolean } | undefined;
      handlers.opened({
        position: event.lastEventId ?? '',
        resumed: data?.resumed === true,
        recovered: data?.recovered === true,
      });
    });
    es.addEventListener('reset', (event) => {
      const data = parse(event) as { channels?: string[]; reason?: string } | undefined;
      handlers.reset({
        channels: data?.channels ?? [...request.channels],
        reason: data?.reason ?? 'unknown',
      });
    });
    es.addEventListener('error', (event) => {
      if (ending.done) return;
      const frame = parse(event) as { code?: string; message?: string } | undefined;
      if (frame && typeof frame.code === 'string') {
        // The gateway explains, then ends the stream: the connection error follows.
        serverError = new TicklineApiError(frame.code, frame.message ?? frame.code);
        return;
      }
      if (serverError) {
        end({ retry: RECONNECTABLE_STREAM_ERRORS.has(serverError.code), error: serverError });
      } else if (event.code !== undefined && REFUSED_STATUSES.has(event.code)) {
        end({
          retry: false,
          error: new TicklineApiError(
            'CLIENT_STREAM_REFUSED',
            `the stream was refused with HTTP ${event.code}`,
            {
              status: event.code,
            },
          ),
        });
      } else {
        end({
          retry: true,
          error: new TicklineApiError(
            'CLIENT_NETWORK_ERROR',
            event.message || 'the event stream was interrupted',
            {
              ...(event.code !== undefined ? { status: event.code } : {}),
            },
          ),
        });
      }
    });

    const onEvent = (event: EventSourceMessage) => {
      const wire = parse(event) as WireEvent | undefined;
      if (!wire || typeof wire.id !== 'string') return;
      handlers.event({ id: wire.id, type: wire.event, channel: wire.channel, data: wire.data });
    };
    const listen = (types: Iterable<string>) => {
      for (const type of types) {
        if (listening.has(type) || CONTROL_EVENTS.has(type)) continue;
        listening.add(type);
        es.addEventListener(type, onEvent);
      }
    };
    listen(request.types);

    return {
      close() {
        ending.cancel();
        es.close();
      },
      listen,
    };
  };
}
