import { EventEmitter } from 'node:events';
import { ManualClock, uuidv7 } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { createHub } from '../hub/hub.ts';
import type { HubMessage } from '../hub/hub-message.ts';
import { Connection, type ByteSink, type CloseReason, type ConnectionHost } from './connection.ts';
import { createGatewayCounters, Transport } from './counters.ts';

/** A socket stand-in: keeps what is written until the test "reads" it. */
class FakeSink extends EventEmitter implements ByteSink {
  writableLength = 0;
  readonly written: Buffer[] = [];
  readonly highWaterMark: number;
  constructor(highWaterMark: number) {
    super();
    this.highWaterMark = highWaterMark;
  }
  write(chunk: Buffer): boolean {
    this.written.push(chunk);
    this.writableLength += chunk.length;
    return this.writableLength < this.highWaterMark;
  }
  /** The client caught up. */
  drainAll(): void {
    this.writableLength = 0;
    this.emit('drain');
  }
}

class TestConnection extends Connection<string> {
  readonly transport = Transport.ws;
  ended: { reason: CloseReason; message: string } | undefined;
  protected frameOf(message: HubMessage): Buffer {
    return message.ws;
  }
  protected end(reason: CloseReason, message: string): void {
    this.ended = { reason, message };
  }
}

function setup(maxBufferedBytes: number) {
  const clock = new ManualClock(1_750_000_000_000);
  const hub = createHub({ clock, coalesce: ['market:**'] });
  const counters = createGatewayCounters();
  const sink = new FakeSink(1024);
  const host: ConnectionHost = {
    unsubscribe: (c) => hub.unsubscribe(c.channels, c),
    release: () => {},
    countResume: () => {},
  };
  const connection = new TestConnection({
    principal: 'p',
    sink,
    host,
    counters: counters.ws,
    maxBufferedBytes,
    expiresAt: Infinity,
  });
  const subscribe = (channel: string) => {
    connection.channels.add(channel);
    hub.subscribe([channel], connection);
  };
  let n = 0;
  const publish = (channel: string) =>
    hub.publish(channel, {
      id: uuidv7(clock.now()),
      type: 'test.event',
      data: { n: ++n, pad: 'x'.repeat(400) },
    });
  const payloads = () =>
    sink.written.map((b) => JSON.parse(b.subarray(4).toString()) as { channel: string; data: { n: number } });
  return { hub, counters, sink, connection, subscribe, publish, payloads };
}

describe('slow consumers - bounded buffer', () => {
  it('slow consumers - writes go straight through while the buffer is under the bound', () => {
    const t = setup(4096);
    t.subscribe('user:a');
    for (let i = 0; i < 5; i++) t.publish('user:a');
    expect(t.sink.written).toHaveLength(5);
    expect(t.connection.congested).toBe(false);
    expect(t.counters.ws.messages).toBe(5);
    expect(t.counters.ws.bytes).toBe(t.sink.written.reduce((s, b) => s + b.length, 0));
  });

  it('slow consumers - a non-coalescing channel past the bound closes with RT_SLOW_CONSUMER, never drops', () => {
    const t = setup(2048);
    t.subscribe('user:a');
    let published = 0;
    while (!t.connection.congested) {
      t.publish('user:a');
      published++;
    }
    expect(t.sink.written).toHaveLength(published); // all written so far
    t.publish('user:a'); // cannot be written without exceeding the bound
    expect(t.connection.closed).toBe(true);
    expect(t.connection.ended?.reason).toBe('RT_SLOW_CONSUMER');
    expect(t.counters.ws.slowConsumerDisconnects).toBe(1);
    expect(t.hub.subscriberCount()).toBe(0); // released at once
    t.publish('user:a');
    expect(t.sink.written).toHaveLength(published);
  });

  it('slow consumers - market channels coalesce to the latest value per channel, flushed on drain', () => {
    const t = setup(2048);
    t.subscribe('market:BTC:ticker');
    t.subscribe('market:ETH:ticker');
    while (!t.connection.congested) t.publish('market:BTC:ticker');
    const before = t.sink.written.length;
    for (let i = 0; i < 10; i++) t.publish('market:BTC:ticker');
    t.publish('market:ETH:ticker');
    const lastBtc = t.publish('market:BTC:ticker');
    expect(lastBtc.delivered).toBe(1);
    expect(t.sink.written).toHaveLength(before); // nothing written while congested
    expect(t.connection.closed).toBe(false);
    t.sink.drainAll();
    const flushed = t.payloads().slice(before);
    expect(flushed.map((p) => p.channel)).toEqual(['market:BTC:ticker', 'market:ETH:ticker']);
    expect(flushed[0]!.data.n).toBe(Math.max(...t.payloads().map((p) => p.data.n)));
    expect(t.counters.ws.coalesced).toBe(10);
    expect(t.connection.congested).toBe(false);
  });

  it('slow consumers - a non-market message while congested by market data still disconnects', () => {
    const t = setup(2048);
    t.subscribe('market:BTC:ticker');
    t.subscribe('user:a');
    while (!t.connection.congested) t.publish('market:BTC:ticker');
    t.publish('market:BTC:ticker');
    t.publish('user:a');
    expect(t.connection.ended?.reason).toBe('RT_SLOW_CONSUMER');
  });

  it('slow consumers - a client that catches up before the bound is never congested', () => {
    const t = setup(8192);
    t.subscribe('user:a');
    for (let i = 0; i < 100; i++) {
      t.publish('user:a');
      if (i % 5 === 0) t.sink.drainAll();
    }
    expect(t.connection.closed).toBe(false);
    expect(t.sink.written).toHaveLength(100);
  });
});
