import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseStreamRequest } from '../sse/sse-request.ts';
import { parseClientMessage } from './client-messages.ts';
import { RECONNECTABLE_STREAM_ERRORS } from '@tickline/protocol';
import { RealtimeErrorCodes, type RealtimeErrorCode } from '../errors.ts';
import { CloseCode, closeCodeFor, shouldReconnect } from './close-codes.ts';

describe('protocol - client messages', () => {
  it('client messages - the three shapes parse', () => {
    expect(parseClientMessage('{"type":"subscribe","channels":["a"],"lastEventId":"x","ref":1}')).toEqual({
      type: 'subscribe',
      channels: ['a'],
      lastEventId: 'x',
      ref: 1,
    });
    expect(parseClientMessage('{"type":"unsubscribe","channels":["a"]}').type).toBe('unsubscribe');
    expect(parseClientMessage('{"type":"ping"}')).toEqual({ type: 'ping' });
  });

  it('client messages - malformed JSON, unknown types, wrong types and unknown fields are RT_BAD_MESSAGE', () => {
    for (const bad of [
      '{',
      'null',
      '[]',
      '{"type":"publish","channels":["a"]}',
      '{"type":"subscribe","channels":"a"}',
      '{"type":"subscribe","channels":[]}',
      '{"type":"subscribe","channels":["a"],"admin":true}',
      `{"type":"subscribe","channels":["a"],"lastEventId":"${'x'.repeat(200)}"}`,
    ]) {
      expect(() => parseClientMessage(bad), bad).toThrow(expect.objectContaining({ code: 'RT_BAD_MESSAGE' }));
    }
  });
});

describe('protocol - stream requests', () => {
  const request = (url: string, headers: Record<string, string> = {}) =>
    ({ url, headers }) as unknown as IncomingMessage;
  const options = { maxChannels: 4, forbiddenQueryParams: ['access_token', 'token'] };

  it('stream requests - channels comma-separated or repeated; header beats query for the last id', () => {
    expect(parseStreamRequest(request('/s?channels=a,b&channels=c&lastEventId=q'), options)).toEqual({
      channels: ['a', 'b', 'c'],
      lastEventId: 'q',
    });
    expect(
      parseStreamRequest(request('/s?channels=a&lastEventId=q', { 'last-event-id': 'h' }), options)
        .lastEventId,
    ).toBe('h');
  });

  it('stream requests - tokens in the URL, bad and missing channels are refused', () => {
    expect(() => parseStreamRequest(request('/s?channels=a&access_token=x'), options)).toThrow(
      expect.objectContaining({ code: 'RT_TOKEN_IN_URL' }),
    );
    expect(() => parseStreamRequest(request('/s'), options)).toThrow(
      expect.objectContaining({ code: 'RT_INVALID_CHANNEL' }),
    );
    expect(() => parseStreamRequest(request('/s?channels=a:*'), options)).toThrow(
      expect.objectContaining({ code: 'RT_INVALID_CHANNEL' }),
    );
    expect(() => parseStreamRequest(request('/s?channels=a,b,c,d,e'), options)).toThrow(
      expect.objectContaining({ code: 'RT_TOO_MANY_CHANNELS' }),
    );
  });
});

describe('protocol - close codes', () => {
  it('close codes - slow consumers and shutdowns reconnect; bad credentials do not', () => {
    expect(closeCodeFor.RT_SLOW_CONSUMER).toBe(CloseCode.SlowConsumer);
    expect(shouldReconnect(CloseCode.SlowConsumer)).toBe(true);
    expect(shouldReconnect(CloseCode.GoingAway)).toBe(true);
    expect(shouldReconnect(CloseCode.Unauthenticated)).toBe(false);
    expect(shouldReconnect(CloseCode.Normal)).toBe(false);
  });

  it('close codes - the errors clients reconnect after are ours and close with a reconnect code, and no other does', () => {
    for (const code of RECONNECTABLE_STREAM_ERRORS) {
      expect(Object.keys(RealtimeErrorCodes), code).toContain(code);
      const closeCode = closeCodeFor[code as RealtimeErrorCode];
      if (closeCode !== undefined) expect(shouldReconnect(closeCode), code).toBe(true);
    }
    for (const [code, closeCode] of Object.entries(closeCodeFor)) {
      if (shouldReconnect(closeCode)) expect(RECONNECTABLE_STREAM_ERRORS.has(code), code).toBe(true);
    }
  });
});
