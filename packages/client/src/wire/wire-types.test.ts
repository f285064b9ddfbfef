/**
 * The SDK still declares the stream (SSE/WebSocket) shapes itself; this file holds them to the
 * realtime package: the type checks fail `tsc` when realtime changes a shape, the runtime checks
 * fail when a close code, error code or parameter name drifts. (Identity and game shapes come from
 * `@tickline/protocol`, which both sides import, so they need no such check.)
 */
import {
  CloseCode as ServerCloseCode,
  DEFAULT_TICKET_PARAM,
  RealtimeErrorCodes,
  closeCodeFor,
  parseClientMessage,
  shouldReconnect,
  type ClientMessage,
  type RealtimeErrorCode,
  type ServerMessage,
} from '@tickline/realtime/internal';
import { describe, expect, it } from 'vitest';
import { LAST_EVENT_ID_PARAM, TICKET_PARAM } from '../http/routes.ts';
import {
  CloseCode,
  RECONNECTABLE_STREAM_ERRORS,
  shouldReconnectAfterClose,
  type WsClientMessage,
  type WsServerMessage,
} from './stream-types.ts';

/** Compiles only when its type argument is `true`. */
const same = <T extends true>(): T => true as T;

describe('wire - stream protocol matches the realtime package', () => {
  it('wire - messages: every server message is understood, every client message is accepted', () => {
    // Every non-event message the gateway sends fits the SDK's union.
    same<[ServerMessage] extends [WsServerMessage] ? true : false>();
    same<[WsClientMessage] extends [ClientMessage] ? true : false>();
    const subscribe: WsClientMessage = {
      type: 'subscribe',
      channels: ['user:u1'],
      lastEventId: 'x',
      ref: 'sub',
    };
    expect(parseClientMessage(JSON.stringify(subscribe))).toEqual(subscribe);
    expect(parseClientMessage(JSON.stringify({ type: 'ping' } satisfies WsClientMessage))).toEqual({
      type: 'ping',
    });
  });

  it('wire - close codes and the reconnect rule agree with the gateway for every code', () => {
    for (const [name, code] of Object.entries(ServerCloseCode)) {
      expect(CloseCode[name as keyof typeof CloseCode], name).toBe(code);
    }
    for (let code = 1000; code < 5000; code++) {
      if (code === 1005 || code === 1006) continue; // never sent in a close frame; the SDK reconnects
      expect(shouldReconnectAfterClose(code), String(code)).toBe(shouldReconnect(code));
    }
  });

  it('wire - the errors the SDK reconnects after exist and close with a reconnect code', () => {
    for (const code of RECONNECTABLE_STREAM_ERRORS) {
      expect(Object.keys(RealtimeErrorCodes), code).toContain(code);
      const closeCode = closeCodeFor[code as RealtimeErrorCode];
      if (closeCode !== undefined) expect(shouldReconnect(closeCode), code).toBe(true);
    }
    // And none the gateway asks to reconnect after is missing.
    for (const [code, closeCode] of Object.entries(closeCodeFor)) {
      if (shouldReconnect(closeCode)) expect(RECONNECTABLE_STREAM_ERRORS.has(code), code).toBe(true);
    }
  });

  it('wire - query parameter names are the gateway’s', () => {
    expect(TICKET_PARAM).toBe(DEFAULT_TICKET_PARAM);
    expect(LAST_EVENT_ID_PARAM).toBe('lastEventId');
  });
});
