import type { Writable } from 'node:stream';
import * as wsModule from 'ws';
import { describe, expect, it } from 'vitest';
import {
  encodeHttpChunk,
  encodeWsTextFrame,
  encodeWsTextFrameHead,
  sseFrame,
  wsTextFrameLength,
} from './frames.ts';

/** Decodes frames with `ws`'s own parser, so the framing is checked by an independent implementation. */
// `ws` exports its frame parser; @types/ws does not declare it.
const { Receiver } = wsModule as unknown as {
  Receiver: new (options: { isServer: boolean }) => Writable;
};

function decodeWithWs(frame: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false });
    receiver.on('message', (data: Buffer, isBinary: boolean) =>
      isBinary ? reject(new Error('binary')) : resolve(data.toString()),
    );
    receiver.on('error', reject);
    receiver.write(frame);
  });
}

describe('frames - WebSocket', () => {
  it('ws frames - 7-bit, 16-bit and 64-bit lengths decode with ws', async () => {
    for (const size of [0, 5, 125, 126, 1000, 65_535, 65_536, 200_000]) {
      const text = 'x'.repeat(size);
      const frame = encodeWsTextFrame(Buffer.from(text));
      expect(frame[0]).toBe(0x81);
      expect(await decodeWithWs(frame)).toBe(text);
    }
  });

  it('a frame written as head then tail - the same bytes as the frame built whole', () => {
    const head = Buffer.from('{"type":"next","id":"7f6c1e3a-9b1d-4c55-8e0f-2d8a1b3c4d5e"', 'utf8');
    // Payload lengths on each side of the 16- and 64-bit length forms.
    for (const size of [
      0,
      10,
      125 - head.length,
      126 - head.length,
      1000,
      65_535 - head.length,
      65_536,
      200_000,
    ]) {
      const tail = Buffer.alloc(size, 'y');
      const whole = encodeWsTextFrame(head, tail);
      expect(Buffer.concat([encodeWsTextFrameHead(head, tail.length), tail])).toEqual(whole);
      expect(wsTextFrameLength(head.length + tail.length)).toBe(whole.length);
    }
  });
});

describe('frames - SSE and HTTP chunks', () => {
  it('sse frames - fields in order, blank line terminated', () => {
    expect(sseFrame({ retryMs: 1500, id: 'e1', event: 'trade', data: '{"a":1}' }).toString()).toBe(
      'retry: 1500\nid: e1\nevent: trade\ndata: {"a":1}\n\n',
    );
    expect(sseFrame({ data: 'x' }).toString()).toBe('data: x\n\n');
  });

  it('http chunks - hex length, CRLF, bytes, CRLF', () => {
    const body = Buffer.from('é'.repeat(20)); // 40 bytes
    expect(encodeHttpChunk(body).toString()).toBe(`28\r\n${'é'.repeat(20)}\r\n`);
  });
});
