import { ManualClock, uuidv7 } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import type { HubMessage } from './hub-message.ts';
import { floorIdAt } from './channel-history.ts';
import { createHub, type Subscriber } from './hub.ts';

function collector(): Subscriber & { messages: HubMessage[] } {
  const messages: HubMessage[] = [];
  return { messages, deliver: (m) => messages.push(m) };
}

/** A UUIDv7 for a past time (uuidv7() itself never goes backwards within a process). */
const idAt = (ms: number) => {
  const hex = ms.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8)}-7000-8000-000000000000`;
};
const clockAt = (ms = 1_750_000_000_000) => new ManualClock(ms);
const event = (clock: ManualClock, n: number) => ({
  id: uuidv7(clock.now()),
  type: 'market.trade',
  data: { n },
});

describe('hub - publish', () => {
  it('publish - every subscriber gets the same encoded message, built once', () => {
    const clock = clockAt();
    const hub = createHub({ clock });
    const subs = [collector(), collector(), collector()];
    for (const s of subs) hub.subscribe(['market:BTC-USD:trades'], s);
    const result = hub.publish('market:BTC-USD:trades', event(clock, 1));
    expect(result).toEqual({ delivered: 3, duplicate: false });
    const [a, b, c] = subs.map((s) => s.messages[0]!);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(a!.ws).toBe(b!.ws); // one frame shared, not one per subscriber
    expect(a!.sseChunk).toBe(c!.sseChunk);
    hub.close();
  });

  it('publish - frames carry channel, id, type and data', () => {
    const clock = clockAt();
    const hub = createHub({ clock });
    const sub = collector();
    hub.subscribe(['user:u1'], sub);
    const e = {
      id: uuidv7(clock.now()),
      type: 'account.snapshot.generated',
      data: { total: 10, note: 'a\nb"c' },
    };
    hub.publish('user:u1', e);
    const m = sub.messages[0]!;
    const sse = m.sse.toString();
    expect(sse.startsWith(`id: ${e.id}\nevent: account.snapshot.generated\ndata: `)).toBe(true);
    expect(sse.endsWith('\n\n')).toBe(true);
    expect(sse.split('\n')).toHaveLength(5); // the newline inside data is escaped by JSON
    expect(JSON.parse(sse.split('\n')[2]!.slice('data: '.length))).toEqual({
      channel: 'user:u1',
      id: e.id,
      event: e.type,
      data: e.data,
    });
    const wsPayload = m.ws.subarray(4).toString(); // 126-length header: 4 bytes
    expect(JSON.parse(wsPayload)).toEqual({
      type: 'event',
      channel: 'user:u1',
      id: e.id,
      event: e.type,
      data: e.data,
    });
    hub.close();
  });

  it('publish - the data is a copy parsed once per message, shared by every subscriber', () => {
    const clock = clockAt();
    const hub = createHub({ clock });
    const subs = [collector(), collector()];
    for (const s of subs) hub.subscribe(['market:BTC-USD:trades'], s);
    const published = event(clock, 7);
    hub.publish('market:BTC-USD:trades', published);
    const [a, b] = subs.map((s) => s.messages[0]!);
    expect(a!.data).toEqual({ n: 7 });
    expect(a!.data).not.toBe(published.data);
    expect(b!.data).toBe(a!.data);
  });

  it('publish - only subscribers of the channel receive it', () => {
    const clock = clockAt();
    const hub = createHub({ clock });
    const mine = collector();
    const other = collector();
    hub.subscribe(['user:a'], mine);
    hub.subscribe(['user:b'], other);
    hub.publish('user:a', event(clock, 1));
    expect(mine.messages).toHaveLength(1);
    expect(other.messages).toHaveLength(0);
    hub.close();
  });

  it('publish - an id the channel already holds is a duplicate and is not delivered again', () => {
    const clock = clockAt();
    const hub = createHub({ clock });
    const sub = collector();
    hub.subscribe(['user:a'], sub);
    const e = event(clock, 1);
    hub.publish('user:a', e);
    expect(hub.publish('user:a', e)).toEqual({ delivered: 0, duplicate: true });
    expect(sub.messages).toHaveLength(1);
    expect(hub.stats().duplicates).toBe(1);
    hub.close();
  });

  it('publish - invalid channels and unsafe ids or types are refused', () => {
    const clock = clockAt();
    const hub = createHub({ clock });
    expect(() => hub.publish('bad channel', event(clock, 1))).toThrow(
      expect.objectContaining({ code: 'RT_INVALID_CHANNEL' }),
    );
    expect(() => hub.publish('user:a', { id: 'x\ny', type: 't', data: 1 })).toThrow(
      expect.objectContaining({
        code: 'RT_INVALID_EVENT',
        details: expect.objectContaining({ field: 'id' }),
      }),
    );
    expect(() => hub.publish('user:a', { id: 'x', type: 'a b', data: 1 })).toThrow(
      expect.objectContaining({
        code: 'RT_INVALID_EVENT',
        details: expect.objectContaining({ field: 'type' }),
      }),
    );
    hub.close();
  });

  it('publish - onPublish listeners see local publishes, not relayed ones', () => {
    const clock = clockAt();
    const hub = createHub({ clock });
    const seen: string[] = [];
    const off = hub.onPublish((channel) => seen.push(channel));
    hub.publish('user:a', event(clock, 1));
    hub.publish('user:b', event(clock, 2), { relay: false });
    off();
    hub.publish('user:c', event(clock, 3));
    expect(seen).toEqual(['user:a']);
    hub.close();
  });
});

describe('hub - subscriptions', () => {
  it('subscriptions - counted per channel and in total, released on unsubscribe', () => {
    const hub = createHub({ clock: clockAt() });
    const a = collector();
    const b = collector();
    hub.subscribe(['user:a', 'market:x'], a);
    hub.subscribe(['market:x'], b);
    hub.subscribe(['market:x'], b); // idempotent
    expect(hub.subscriberCount('market:x')).toBe(2);
    expect(hub.subscriberCount()).toBe(3);
    hub.unsubscribe(['user:a', 'market:x'], a);
    hub.unsubscribe(['market:x', 'never'], b);
    expect(hub.subscriberCount()).toBe(0);
    expect(hub.stats().channels).toBe(0); // no history, no subscribers: dropped
    hub.close();
  });

  it('subscriptions - a subscriber may unsubscribe itself while a message is being delivered', () => {
    const clock = clockAt();
    const hub = createHub({ clock });
    const later = collector();
    const quitter: Subscriber = { deliver: () => hub.unsubscribe(['c'], quitter) };
    hub.subscribe(['c'], quitter);
    hub.subscribe(['c'], later);
    expect(hub.publish('c', event(clock, 1)).delivered).toBe(2);
    expect(hub.publish('c', event(clock, 2)).delivered).toBe(1);
    expect(later.messages).toHaveLength(2);
    hub.close();
  });
});

describe('hub - history and resume', () => {
  it('resume - replays exactly what came after the last event id, in order', () => {
    const clock = clockAt();
    const hub = createHub({ clock });
    const ids: string[] = [];
    for (let n = 0; n < 10; n++) {
      const e = event(clock, n);
      ids.push(e.id);
      hub.publish('user:a', e);
    }
    const plan = hub.subscribe(['user:a'], collector(), ids[3]);
    expect(plan).toMatchObject({ resumed: true, recovered: true, resetChannels: [], position: ids[3] });
    expect(plan.replay.map((m) => m.id)).toEqual(ids.slice(4));
    hub.close();
  });

  it('resume - merges several channels in publish order', () => {
    const clock = clockAt();
    const hub = createHub({ clock });
    const order: string[] = [];
    for (let n = 0; n < 6; n++) {
      const e = event(clock, n);
      order.push(e.id);
      hub.publish(n % 2 === 0 ? 'user:a' : 'market:x', e);
    }
    const plan = hub.subscribe(['user:a', 'market:x'], collector(), order[1]);
    expect(plan.replay.map((m) => m.id)).toEqual(order.slice(2));
    hub.close();
  });

  it('resume - a gap older than the count limit resets that channel only', () => {
    const clock = clockAt();
    const hub = createHub({ clock, history: { maxEvents: 5 } });
    const first = event(clock, 0);
    hub.publish('user:a', first);
    for (let n = 1; n <= 10; n++) hub.publish('user:a', event(clock, n));
    const plan = hub.subscribe(['user:a', 'market:x'], collector(), first.id);
    expect(plan).toMatchObject({ resumed: true, recovered: false, resetChannels: ['user:a'] });
    expect(plan.replay).toEqual([]);
    hub.close();
  });

  it('resume - a gap older than the age limit resets', () => {
    const clock = clockAt();
    const hub = createHub({ clock, history: { maxAgeMs: 1_000 } });
    const old = event(clock, 0);
    hub.publish('user:a', old);
    clock.advance(500);
    hub.publish('user:a', event(clock, 1));
    clock.advance(800); // the first is now 1.3 s old
    const plan = hub.subscribe(['user:a'], collector(), old.id);
    expect(plan.replay).toHaveLength(1);
    expect(plan.recovered).toBe(true); // the dropped one is the client's own last event: no gap
    const before = idAt(clock.now() - 5_000);
    expect(hub.subscribe(['user:a'], collector(), before).resetChannels).toEqual(['user:a']);
    hub.close();
  });

  it('resume - an unknown UUIDv7 within the history window replays by time order', () => {
    const clock = clockAt();
    const hub = createHub({ clock });
    clock.advance(10);
    const marker = uuidv7(clock.now()); // e.g. a position handed out on another channel
    clock.advance(10);
    const e = event(clock, 1);
    hub.publish('user:a', e);
    const plan = hub.subscribe(['user:a'], collector(), marker);
    expect(plan).toMatchObject({ recovered: true });
    expect(plan.replay.map((m) => m.id)).toEqual([e.id]);
    hub.close();
  });

  it('resume - ids from before the hub started, and non-UUID ids, reset', () => {
    const clock = clockAt();
    const stale = idAt(clock.now() - 60_000);
    const hub = createHub({ clock });
    hub.publish('user:a', event(clock, 1));
    expect(hub.subscribe(['user:a'], collector(), stale).resetChannels).toEqual(['user:a']);
    expect(hub.subscribe(['user:a'], collector(), 'garbage').resetChannels).toEqual(['user:a']);
    hub.close();
  });

  it('resume - without a last event id the position is the newest held id', () => {
    const clock = clockAt();
    const hub = createHub({ clock });
    const e = event(clock, 1);
    hub.publish('user:a', e);
    expect(hub.subscribe(['user:a'], collector())).toMatchObject({
      resumed: false,
      position: e.id,
      replay: [],
    });
    const empty = hub.subscribe(['user:b'], collector());
    expect(empty.position > e.id).toBe(true); // a fresh id: later events sort after it
    hub.close();
  });

  it('history - a channel dropped after expiry passes its floor on, so a re-created channel still resets', () => {
    const clock = clockAt();
    const hub = createHub({ clock, history: { maxAgeMs: 1_000 } });
    const a = event(clock, 1);
    hub.publish('user:a', a);
    clock.advance(500);
    hub.publish('user:a', event(clock, 2));
    clock.advance(2_000);
    hub.sweep(); // both expired; the channel has no subscribers: dropped
    expect(hub.stats().channels).toBe(0);
    expect(hub.subscribe(['user:a'], collector(), a.id).resetChannels).toEqual(['user:a']);
    hub.close();
  });
});

describe('hub - history cost', () => {
  it('history - subscribing to invented channels allocates no history; publishing allocates what it stores', () => {
    const clock = clockAt();
    const hub = createHub({ clock, history: { maxEvents: 500 } });
    const sub = collector();
    const invented = Array.from({ length: 1_000 }, (_, i) => `market:NOPE${i}:trades`);
    hub.subscribe(invented, sub);
    expect(hub.stats()).toMatchObject({ channels: 1_000, historySlots: 0 }); // was 500,000 slots
    for (let n = 1; n <= 3; n++) {
      clock.advance(1);
      hub.publish('market:BTC-USD:trades', event(clock, n));
    }
    expect(hub.stats().historySlots).toBe(3);
    hub.unsubscribe(invented, sub);
    expect(hub.stats().channels).toBe(1);
  });

  it('history - the ring wraps at capacity once grown, oldest dropped first', () => {
    const clock = clockAt();
    const hub = createHub({ clock, history: { maxEvents: 3 } });
    const ids: string[] = [];
    for (let n = 1; n <= 5; n++) {
      clock.advance(1);
      const e = event(clock, n);
      ids.push(e.id);
      hub.publish('market:X-Y:trades', e);
    }
    const late = collector();
    const plan = hub.subscribe(['market:X-Y:trades'], late, ids[1]);
    expect(plan).toMatchObject({ resumed: true });
    expect(hub.stats().historySlots).toBe(3);
  });
});

describe('hub - channels seeded from the log', () => {
  let n = 0;
  const event = (ms: number) => ({ id: idAt(ms + n++), type: 'test.event', data: {} });

  it('seed - a seeded channel resumes exactly from an id in its seed, and resets below the log floor', () => {
    const hub = createHub();
    const old = event(Date.now() - 10 * 60_000);
    const seeded = [event(Date.now() - 60_000), event(Date.now() - 50_000), event(Date.now() - 40_000)];
    hub.seed('market:X:trades', seeded, floorIdAt(Date.now() - 120_000));
    // The seed is older than the hub: without the log's floor these would all reset.
    const found = hub.subscribe(['market:X:trades'], { deliver: () => {} }, seeded[0]!.id);
    expect(found).toMatchObject({ recovered: true, resetChannels: [] });
    expect(found.replay.map((m) => m.id)).toEqual([seeded[1]!.id, seeded[2]!.id]);
    const tooOld = hub.subscribe(['market:X:trades'], { deliver: () => {} }, old.id);
    expect(tooOld.resetChannels).toEqual(['market:X:trades']);
  });

  it('seed - seeding a held channel again adds only what it did not hold, after it', () => {
    const hub = createHub();
    const [a, b, c] = [event(Date.now()), event(Date.now()), event(Date.now())];
    hub.seed('user:u1', [a, b], floorIdAt(0));
    const received: string[] = [];
    hub.subscribe(['user:u1'], { deliver: (m) => received.push(m.id) });
    hub.seed('user:u1', [a, b, c], floorIdAt(Date.now()));
    expect(received).toEqual([c.id]);
    expect(hub.stats().duplicates).toBe(2);
  });

  it('forget - kept while subscribed; once forgotten, an id it held resets until seeded again', () => {
    const hub = createHub();
    const subscriber = { deliver: () => {} };
    const held = event(Date.now() - 1_000);
    hub.subscribe(['admin:game'], subscriber);
    hub.publish('admin:game', held);
    expect(hub.forget('admin:game')).toBe(false);
    hub.unsubscribe(['admin:game'], subscriber);
    expect(hub.forget('admin:game')).toBe(true);
    expect(hub.stats().channels).toBe(0);
    expect(hub.subscribe(['admin:game'], subscriber, held.id).resetChannels).toEqual(['admin:game']);
  });
});
