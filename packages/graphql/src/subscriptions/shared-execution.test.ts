/**
 * Shared executions on a schema of their own: one whose event fields resolve by default, and one
 * field (`Quote.mine`) whose resolver reads the caller, as a field that checks rights would.
 */
import {
  buildSchema,
  parse,
  subscribe,
  type ExecutionResult,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
} from 'graphql';
import { createHub } from '@tickline/realtime';
import { describe, expect, it } from 'vitest';
import { CHUNKED_BODY_MIN_BYTES, type FrameSink } from './frame-prefix.ts';
import { HubStream } from './hub-stream.ts';
import { SharedExecutions, type SharedExecution } from './shared-execution.ts';

const schema = buildSchema(`
  type Quote { symbol: String! price: Float! mine: String }
  type Query { ok: Boolean }
  type Subscription { quote(symbol: String!): Quote! }
`);
interface Caller {
  userId: string;
}
const views = { count: 0 };
// The Subscription field's view of the event: a hub item's data (as the real resolvers read it),
// or the event itself when a test hands the share a plain object.
schema.getSubscriptionType()!.getFields()['quote']!.resolve = (event: unknown) => (
  views.count++,
  (event as { data?: unknown }).data ?? event
);
// Reads the caller: a result that must never reach another caller.
(schema.getType('Quote') as GraphQLObjectType).getFields()['mine']!.resolve = (
  _event: unknown,
  _args: unknown,
  context: unknown,
) => {
  const { caller } = context as { caller?: Caller };
  return caller ? `for ${caller.userId}` : null;
};

const format = (result: ExecutionResult) => result;

/** Joins `shares` the way the subscribe resolver does, through graphql-js's own subscribe. */
async function join(
  shares: SharedExecutions,
  query: string,
  options: { caller: Caller; connection: string; variables?: Record<string, unknown> },
): Promise<SharedExecution> {
  let joined: SharedExecution | undefined;
  schema.getSubscriptionType()!.getFields()['quote']!.subscribe = (
    _root: unknown,
    _args: unknown,
    context: unknown,
    info: GraphQLResolveInfo,
  ) => {
    joined = shares.join({ info, context: context as object, connectionKey: options.connection, format });
    return (async function* idle() {})();
  };
  await subscribe({
    schema,
    document: parse(query),
    contextValue: { caller: options.caller },
    variableValues: options.variables ?? {},
  });
  return joined!;
}

const payloadOf = (share: SharedExecution, event: object) =>
  JSON.parse(`{${(share.bodyOf(event, (e) => e) as Buffer).toString().slice(1)}`) as { payload: unknown };

describe('shared execution - one execution per event and audience', () => {
  it('same document and variables - every subscriber shares one execution per event', async () => {
    const shares = new SharedExecutions();
    const query = 'subscription($s: String!) { quote(symbol: $s) { symbol price } }';
    const joined = await Promise.all(
      ['a', 'b', 'c'].map((userId, i) =>
        join(shares, query, { caller: { userId }, connection: `c${i}`, variables: { s: 'BTC' } }),
      ),
    );
    expect(new Set(joined).size).toBe(1);
    const share = joined[0]!;
    views.count = 0;
    const event = { symbol: 'BTC', price: 1 };
    const bodies = joined.map((s) => s.bodyOf(event, (e) => e));
    expect(bodies[0]).toBe(bodies[2]);
    expect(share.executions).toBe(1);
    expect(views.count).toBe(1);
    expect(payloadOf(share, event)).toEqual({ payload: { data: { quote: { symbol: 'BTC', price: 1 } } } });
    void share.bodyOf({ symbol: 'BTC', price: 2 }, (e) => e);
    expect(share.executions).toBe(2);
  });

  it('different variables or documents - separate executions', async () => {
    const shares = new SharedExecutions();
    const query = 'subscription($s: String!) { quote(symbol: $s) { symbol price } }';
    const btc = await join(shares, query, {
      caller: { userId: 'a' },
      connection: 'c1',
      variables: { s: 'BTC' },
    });
    const eth = await join(shares, query, {
      caller: { userId: 'a' },
      connection: 'c1',
      variables: { s: 'ETH' },
    });
    const other = await join(shares, 'subscription { quote(symbol: "BTC") { price } }', {
      caller: { userId: 'a' },
      connection: 'c1',
    });
    expect(new Set([btc, eth, other]).size).toBe(3);
    expect(shares.size).toBe(3);
    for (const share of [btc, eth, other]) share.release();
    expect(shares.size).toBe(0);
  });

  it('a field that reads the caller - shared within a connection only, never across callers', async () => {
    const shares = new SharedExecutions();
    const query = 'subscription { quote(symbol: "BTC") { price mine } }';
    const alice = await join(shares, query, { caller: { userId: 'alice' }, connection: 'c1' });
    const aliceAgain = await join(shares, query, { caller: { userId: 'alice' }, connection: 'c1' });
    const bob = await join(shares, query, { caller: { userId: 'bob' }, connection: 'c2' });
    expect(aliceAgain).toBe(alice);
    expect(bob).not.toBe(alice);
    const event = { symbol: 'BTC', price: 1 };
    expect(payloadOf(alice, event)).toEqual({
      payload: { data: { quote: { price: 1, mine: 'for alice' } } },
    });
    expect(payloadOf(bob, event)).toEqual({ payload: { data: { quote: { price: 1, mine: 'for bob' } } } });
  });

  it("fragments - their fields are checked like the operation's", async () => {
    const shares = new SharedExecutions();
    const query = 'subscription { quote(symbol: "BTC") { ...q } } fragment q on Quote { price }';
    const share = await join(shares, query, { caller: { userId: 'alice' }, connection: 'c1' });
    expect(await join(shares, query, { caller: { userId: 'bob' }, connection: 'c2' })).toBe(share);
    const reads = await join(
      shares,
      'subscription { quote(symbol: "BTC") { ...q } } fragment q on Quote { mine }',
      {
        caller: { userId: 'bob' },
        connection: 'c2',
      },
    );
    expect(payloadOf(reads, { symbol: 'BTC', price: 1 })).toEqual({
      payload: { data: { quote: { mine: 'for bob' } } },
    });
  });
});

/** The JSON text of one unmasked WebSocket text frame shorter than 64 KiB, checked whole. */
function decodeFrame(frame: Buffer): unknown {
  expect(frame[0]).toBe(0x81);
  const short = frame[1]!;
  const [length, at] = short < 126 ? [short, 2] : [frame.readUInt16BE(2), 4];
  expect(frame.length).toBe(at + length);
  return JSON.parse(frame.subarray(at).toString('utf8'));
}

/**
 * A socket that keeps what it is given: `writes` the frames (corked chunks joined), `chunks` each
 * write. It refuses writes once it holds `mark` bytes, until `drain()` empties it.
 */
function recordingSink(mark = Infinity) {
  const writes: Buffer[] = [];
  const chunks: Buffer[] = [];
  let corked: Buffer[] | undefined;
  let onDrain: (() => void) | undefined;
  const sink = {
    writes,
    chunks,
    writableLength: 0,
    write(chunk: Buffer) {
      chunks.push(chunk);
      sink.writableLength += chunk.length;
      (corked ?? writes).push(chunk);
      return sink.writableLength < mark;
    },
    once: (_event: 'drain', listener: () => void) => void (onDrain = listener),
    cork: () => void (corked = []),
    uncork() {
      writes.push(Buffer.concat(corked!));
      corked = undefined;
    },
    drain() {
      sink.writableLength = 0;
      const listener = onDrain;
      onDrain = undefined;
      listener?.();
    },
  };
  return sink satisfies FrameSink;
}

describe('shared execution - frames', () => {
  const channel = 'market:BTC-USD:ticker';
  const event = (n: number) => ({
    id: `0190b5f4-0000-7000-8000-00000000000${n}`,
    type: 'market.quote',
    data: { symbol: 'BTC', price: n },
  });

  it('subscribers with the same id - one frame Buffer per event, written to every socket', async () => {
    const hub = createHub();
    const shares = new SharedExecutions();
    const query = 'subscription { quote(symbol: "BTC") { symbol price } }';
    const counters = { messages: 0, bytes: 0, slowConsumerDisconnects: 0, coalesced: 0 };
    const ids = ['1', '1', '1', '1', '1', 'a', 'b'];
    const subscribers = await Promise.all(
      ids.map(async (id, i) => {
        const sink = recordingSink();
        const share = await join(shares, query, { caller: { userId: `u${i}` }, connection: `c${i}` });
        const stream = new HubStream({
          hub,
          channel,
          maxBufferedBytes: 1 << 20,
          sink,
          // Built per subscription, as the session does: equal bytes, distinct Buffers.
          framePrefix: Buffer.from(`{"type":"next","id":${JSON.stringify(id)}`, 'utf8'),
          share,
          onSlowConsumer: () => expect.fail('no socket backs up'),
          counters,
          onEnd: () => undefined,
        });
        stream.start(undefined);
        return { id, sink, share, stream };
      }),
    );
    expect(shares.size).toBe(1);
    hub.publish(channel, event(1));
    hub.publish(channel, event(2));

    const first = subscribers[0]!.sink.writes;
    for (const { id, sink } of subscribers) {
      expect(sink.writes).toHaveLength(2);
      if (id === '1') expect(sink.writes.map((w, n) => w === first[n])).toEqual([true, true]);
      else expect(sink.writes[0]).not.toBe(first[0]);
      expect(sink.writes.map(decodeFrame)).toEqual(
        [1, 2].map((price) => ({ type: 'next', id, payload: { data: { quote: { symbol: 'BTC', price } } } })),
      );
    }
    expect(first[0]).not.toBe(first[1]);
    expect(subscribers[0]!.share.executions).toBe(2);
    expect(counters.messages).toBe(ids.length * 2);
    const written = subscribers.flatMap(({ sink }) => sink.writes);
    expect(counters.bytes).toBe(written.reduce((sum, frame) => sum + frame.length, 0));

    // Ended subscriptions let go of their prefix and share; the rest are served as before.
    for (const { stream } of subscribers.slice(1)) stream.end();
    expect(shares.size).toBe(1);
    hub.publish(channel, event(3));
    expect(subscribers.map(({ sink }) => sink.writes.length)).toEqual([3, 2, 2, 2, 2, 2, 2]);
    expect(decodeFrame(first[2]!)).toEqual({
      type: 'next',
      id: '1',
      payload: { data: { quote: { symbol: 'BTC', price: 3 } } },
    });
    subscribers[0]!.stream.end();
    expect(shares.size).toBe(0);
  });

  it('a large payload to distinct ids - chunks around one payload Buffer, congestion coalesced', async () => {
    const hub = createHub();
    const shares = new SharedExecutions();
    const query = 'subscription { quote(symbol: "BTC") { symbol price } }';
    const counters = { messages: 0, bytes: 0, slowConsumerDisconnects: 0, coalesced: 0 };
    const symbol = 'B'.repeat(CHUNKED_BODY_MIN_BYTES);
    const large = (n: number) => ({ ...event(n), data: { symbol, price: n } });
    // Backs up after the third frame (each one is a little over the payload's size).
    const mark = Math.floor(2.5 * CHUNKED_BODY_MIN_BYTES);
    const subscribers = await Promise.all(
      ['4f1d2c3b-0000-4000-8000-00000000000a', '4f1d2c3b-0000-4000-8000-00000000000b'].map(async (id, i) => {
        const sink = recordingSink(mark);
        const share = await join(shares, query, { caller: { userId: `u${i}` }, connection: `c${i}` });
        new HubStream({
          hub,
          channel,
          maxBufferedBytes: mark,
          sink,
          framePrefix: Buffer.from(`{"type":"next","id":"${id}"`, 'utf8'),
          share,
          onSlowConsumer: () => expect.fail('a market channel coalesces'),
          counters,
          onEnd: () => undefined,
        }).start(undefined);
        return { id, sink };
      }),
    );
    for (const n of [1, 2, 3, 4, 5]) hub.publish(channel, large(n));
    for (const { sink } of subscribers) sink.drain();

    const prices = [1, 2, 3, 5];
    for (const { id, sink } of subscribers) {
      expect(sink.writes.map(decodeFrame)).toEqual(
        prices.map((price) => ({ type: 'next', id, payload: { data: { quote: { symbol, price } } } })),
      );
      expect(sink.chunks).toHaveLength(2 * prices.length);
    }
    // The payload written to both sockets is the same Buffer: no copy per subscriber.
    const [a, b] = subscribers.map(({ sink }) => sink.chunks);
    expect(a![1]).toBe(b![1]);
    expect(a![0]).not.toEqual(b![0]);
    expect(counters.coalesced).toBe(2);
    expect(counters.messages).toBe(2 * prices.length);
    const written = subscribers.flatMap(({ sink }) => sink.writes);
    expect(counters.bytes).toBe(written.reduce((sum, frame) => sum + frame.length, 0));
  });

  it('a prefix held alone is framed per delivery; held twice, shared; released, removed', async () => {
    const query = 'subscription { quote(symbol: "BTC") { symbol } }';
    const share = await join(new SharedExecutions(), query, { caller: { userId: 'a' }, connection: 'c1' });
    // Past 125 bytes: the frame's length takes the 16-bit form.
    const symbol = 'é'.repeat(70);
    const prefixOf = (id: string) => Buffer.from(`{"type":"next","id":"${id}"`, 'utf8');
    const body = share.bodyOf({ symbol, price: 1 }, (e) => e) as Buffer;
    const next = (id: string) => ({ type: 'next', id, payload: { data: { quote: { symbol } } } });

    const alone = share.framing(prefixOf('x'));
    const [a, b] = [alone.frameOf(body), alone.frameOf(body)];
    expect(a).not.toBe(b);
    expect(decodeFrame(a)).toEqual(decodeFrame(b));
    expect(decodeFrame(a)).toEqual(next('x'));

    const one = share.framing(prefixOf('1'));
    const again = share.framing(prefixOf('1'));
    expect(again).toBe(one);
    expect(again).not.toBe(alone);
    expect(one.holders).toBe(2);
    expect(again.frameOf(body)).toBe(one.frameOf(body));
    expect(decodeFrame(one.frameOf(body))).toEqual(next('1'));

    one.release();
    expect(again.frameOf(body)).not.toBe(again.frameOf(body));
    again.release();
    expect(share.framing(prefixOf('1'))).not.toBe(one);
  });
});

describe('hub stream - a watcher hears the end once, without a pending next()', () => {
  const channel = 'market:BTC-USD:ticker';
  const counters = { messages: 0, bytes: 0, slowConsumerDisconnects: 0, coalesced: 0 };
  /** A stream on a share whose payloads `body` makes (a test stand-in for a SharedExecution). */
  function streamOf(hub: ReturnType<typeof createHub>, body: () => Buffer) {
    const share = {
      framing: (bytes: Buffer) => ({ bytes, release() {}, writeFrame: () => true }),
      bodyOf: body,
      release() {},
    } as unknown as SharedExecution;
    return new HubStream({
      hub,
      channel,
      maxBufferedBytes: 1 << 20,
      sink: recordingSink(),
      framePrefix: Buffer.from('{"type":"next","id":"1"', 'utf8'),
      share,
      onSlowConsumer: () => expect.fail('no socket backs up'),
      counters,
      onEnd: () => undefined,
    });
  }
  const watcher = () => {
    const heard: unknown[] = [];
    return { heard, ended: (failure: unknown) => void heard.push(failure ?? 'clean') };
  };

  it('ended by its side: clean; watched after the end: told at once; told once only', async () => {
    const hub = createHub();
    const stream = streamOf(hub, () => Buffer.from(',"payload":{}}'));
    const early = watcher();
    stream.start(undefined);
    stream.watch(early);
    hub.publish(channel, { id: '0190b5f4-0000-7000-8000-000000000001', type: 'market.quote', data: {} });
    await Promise.resolve();
    expect(early.heard).toEqual([]);
    stream.end();
    stream.end();
    expect(hub.subscriberCount()).toBe(0);
    const late = watcher();
    stream.watch(late);
    await Promise.resolve();
    expect([early.heard, late.heard]).toEqual([['clean'], ['clean']]);
  });

  it('a payload that cannot be produced: the watcher gets the error, as next() would reject', async () => {
    const hub = createHub();
    const stream = streamOf(hub, () => {
      throw new Error('payload failed');
    });
    const heard = watcher();
    stream.start(undefined);
    stream.watch(heard);
    hub.publish(channel, { id: '0190b5f4-0000-7000-8000-000000000001', type: 'market.quote', data: {} });
    await Promise.resolve();
    expect(heard.heard).toEqual([new Error('payload failed')]);
    await expect(stream.next()).rejects.toThrow('payload failed');
  });
});
