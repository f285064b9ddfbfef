/**
 * How a prefix's frames leave: whole (shared, or a small payload copied), or as header-and-prefix
 * then the shared payload itself, corked into one write — the same bytes on the wire either way.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { encodeWsTextFrame } from '@tickline/realtime';
import { describe, expect, it } from 'vitest';
import { CHUNKED_BODY_MIN_BYTES, FramePrefix, type FrameSink } from './frame-prefix.ts';

const prefixOf = (id: string) => Buffer.from(`{"type":"next","id":"${id}"`, 'utf8');
const held = (id: string, holders = 1) => {
  const prefixes = new Map<string, FramePrefix>();
  const prefix = new FramePrefix(prefixes, id, prefixOf(id));
  prefixes.set(id, prefix);
  for (let i = 0; i < holders; i++) prefix.held();
  return prefix;
};
const bodyOf = (size: number, fill = 'p') => Buffer.from(`,"payload":"${fill.repeat(size)}"}`, 'utf8');

/** Each write with the cork depth it was made at; `accepts` answers `write`. */
function recordingSink(accepts = () => true): FrameSink & { writes: { chunk: Buffer; corked: number }[] } {
  const writes: { chunk: Buffer; corked: number }[] = [];
  let corked = 0;
  return {
    writes,
    writableLength: 0,
    write: (chunk) => (writes.push({ chunk, corked }), accepts()),
    once: () => undefined,
    cork: () => void corked++,
    uncork: () => void corked--,
  };
}

describe('frame prefix - writing a frame', () => {
  const large = bodyOf(CHUNKED_BODY_MIN_BYTES);
  const id = '7f6c1e3a-9b1d-4c55-8e0f-2d8a1b3c4d5e';

  it('a small payload held alone - one write of a whole frame, no cork', () => {
    const sink = recordingSink();
    const body = bodyOf(100);
    expect(held(id).writeFrame(sink, body)).toBe(true);
    expect(sink.writes).toHaveLength(1);
    expect(sink.writes[0]).toEqual({ chunk: encodeWsTextFrame(prefixOf(id), body), corked: 0 });
  });

  it('a large payload held alone - header and prefix, then the payload Buffer itself, corked', () => {
    const sink = recordingSink();
    const prefix = held(id);
    prefix.writeFrame(sink, large);
    expect(sink.writes.map((w) => w.corked)).toEqual([1, 1]);
    expect(sink.writes[1]!.chunk).toBe(large);
    expect(Buffer.concat(sink.writes.map((w) => w.chunk))).toEqual(encodeWsTextFrame(prefixOf(id), large));

    // The next payload of the same length reuses the head; another length gets its own.
    const sameLength = bodyOf(CHUNKED_BODY_MIN_BYTES, 'q');
    prefix.writeFrame(sink, sameLength);
    expect(sink.writes[2]!.chunk).toBe(sink.writes[0]!.chunk);
    const longer = bodyOf(70_000);
    prefix.writeFrame(sink, longer);
    expect(sink.writes[4]!.chunk).not.toBe(sink.writes[0]!.chunk);
    expect(Buffer.concat(sink.writes.slice(4).map((w) => w.chunk))).toEqual(
      encodeWsTextFrame(prefixOf(id), longer),
    );
  });

  it('a large payload held by several - the one shared frame, whole', () => {
    const [one, two] = [recordingSink(), recordingSink()];
    const prefix = held('1', 2);
    prefix.writeFrame(one, large);
    prefix.writeFrame(two, large);
    expect(one.writes).toHaveLength(1);
    expect(two.writes[0]!.chunk).toBe(one.writes[0]!.chunk);
    expect(one.writes[0]!.chunk).toEqual(encodeWsTextFrame(prefixOf('1'), large));
  });

  it("answers what the socket answered for the frame's last chunk", () => {
    let writes = 0;
    // Accepts the head, refuses the payload: past the socket's mark.
    const sink = recordingSink(() => ++writes < 2);
    expect(held(id).writeFrame(sink, large)).toBe(false);
  });

  it('on a real socket - chunked and whole frames arrive as the frames built whole', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    const [socket] = await accepted;
    const received: Buffer[] = [];
    client.on('data', (chunk: Buffer) => received.push(chunk));
    try {
      const prefix = held(id);
      const bodies = [bodyOf(10), large, bodyOf(200_000), bodyOf(CHUNKED_BODY_MIN_BYTES - 40), large];
      for (const body of bodies) prefix.writeFrame(socket, body);
      const expected = Buffer.concat(bodies.map((body) => encodeWsTextFrame(prefixOf(id), body)));
      socket.end();
      await once(client, 'end');
      expect(Buffer.concat(received)).toEqual(expected);
    } finally {
      client.destroy();
      server.close();
    }
  });
});
