/**
 * The transports' in-place framings against the readers on the other side: `ws`'s own frame
 * parser (a client's view: unmasked server frames) and the protocol's TCP `FrameDecoder`, for
 * payloads that take each header size (7-bit, 16-bit and 64-bit WebSocket lengths).
 */
import { FrameDecoder } from '@tickline/protocol';
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import type { WireFraming } from '../session/connection.ts';
import { TCP_FRAMING } from './tcp-transport.ts';
import { WS_FRAMING } from './ws-transport.ts';

/** `ws`'s frame parser (exported at runtime, not in its type declarations). */
interface FrameReceiver {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  write(chunk: Buffer, callback: (error?: Error | null) => void): void;
}
const { Receiver } = createRequire(import.meta.url)('ws') as {
  Receiver: new (options: { isServer: boolean; maxPayload: number }) => FrameReceiver;
};

const SIZES = [0, 5, 125, 126, 300, 65_535, 65_536, 70_000];

function framed(framing: WireFraming, payloads: Uint8Array[]): Buffer {
  const total = payloads.reduce((n, p) => n + framing.headerBytes(p.length) + p.length, 0);
  const out = Buffer.alloc(total);
  let at = 0;
  for (const p of payloads) {
    at = framing.writeHeader(out, at, p.length);
    out.set(p, at);
    at += p.length;
  }
  expect(at).toBe(total);
  return out;
}

const payloads = SIZES.map((n) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff));

describe('wire framing', () => {
  it('framing - ws reads every WebSocket header size as one binary message each', async () => {
    const receiver = new Receiver({ isServer: false, maxPayload: 1 << 20 });
    const got: Buffer[] = [];
    receiver.on('message', (data, isBinary) => {
      expect(isBinary).toBe(true);
      got.push(Buffer.from(data));
    });
    await new Promise<void>((resolve, reject) =>
      receiver.write(framed(WS_FRAMING, payloads), (error?: Error | null) =>
        error ? reject(error) : resolve(),
      ),
    );
    expect(got.map((b) => b.length)).toEqual(SIZES);
    got.forEach((b, i) => expect(b.equals(Buffer.from(payloads[i]!))).toBe(true));
  });

  it('framing - the TCP length prefix reads back with the protocol frame decoder', () => {
    const frames = new FrameDecoder(1 << 20).push(framed(TCP_FRAMING, payloads));
    expect(frames.map((f) => f.length)).toEqual(SIZES);
    frames.forEach((f, i) => expect(Buffer.from(f).equals(Buffer.from(payloads[i]!))).toBe(true));
  });
});
