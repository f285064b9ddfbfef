import type { CallData } from '@tickline/sandbox';
import { describe, expect, it } from 'vitest';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import type { Feed } from '../core/types.ts';
import { shareFeeds, sliceFeeds } from '../research/feeds.ts';
import { feedKey, receiveFeeds, sendFeeds } from './feed-transfer.ts';
import { PACKED_COLUMNS } from './packed-feeds.ts';

/** What a sandbox process would hold for `data`: each content's parts, one after another. */
function held(data: readonly CallData[]): (key: string) => Uint8Array {
  const byKey = new Map<string, Uint8Array>();
  for (const d of data) {
    const bytes = new Uint8Array(new SharedArrayBuffer(d.byteLength));
    let at = 0;
    for (const part of d.parts()) {
      bytes.set(part, at);
      at += part.byteLength;
    }
    expect(at).toBe(d.byteLength);
    byKey.set(d.key, bytes);
  }
  return (key) => {
    const bytes = byKey.get(key);
    if (bytes === undefined) throw new Error(`not given ${key}`);
    return bytes;
  };
}

const columnsOf = (feed: Feed) => PACKED_COLUMNS.map((k) => [...feed.columns[k]]);

describe('feed transfer to a sandbox process', () => {
  it('windows of one feed name its whole columns once, each with its range; the process sees the window', async () => {
    const [feed] = shareFeeds([randomWalkFeed('BTC-USDT', '1m', 60_000, 5_000, 1)]) as [Feed];
    const ct = feed.columns.closeTime;
    const windows = [
      sliceFeeds([feed], ct[99]!, ct[1_099]!),
      sliceFeeds([feed], ct[2_999]!, ct[4_999]!),
      [feed],
    ];
    const sent = await Promise.all(windows.map((w) => sendFeeds(w)));
    const keys = new Set(sent.map((s) => s.data[0]!.key));
    expect(keys.size).toBe(1);
    expect(sent.map((s) => [s.refs[0]!.from, s.refs[0]!.to, s.refs[0]!.length])).toEqual([
      [100, 1_100, 5_000],
      [3_000, 5_000, 5_000],
      [0, 5_000, 5_000],
    ]);
    for (const [i, s] of sent.entries()) {
      expect(s.data[0]!.byteLength).toBe(7 * 5_000 * 8);
      const [got] = receiveFeeds(s.refs, held(s.data));
      expect(got!.symbol).toBe('BTC-USDT');
      expect(columnsOf(got!)).toEqual(columnsOf(windows[i]![0]!));
      // Views on the process's shared memory: the isolate reads them in place.
      expect(got!.columns.close.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
  });

  it('the same candles in other memory have the same name; other candles another', async () => {
    const a = randomWalkFeed('BTC-USDT', '1m', 60_000, 2_000, 1);
    const again = randomWalkFeed('ETH-USDT', '1m', 60_000, 2_000, 1);
    const other = randomWalkFeed('BTC-USDT', '1m', 60_000, 2_000, 2);
    const [ka, kAgain, kOther] = await Promise.all([feedKey(a), feedKey(again), feedKey(other)]);
    expect(kAgain).toBe(ka);
    expect(kOther).not.toBe(ka);
    // One candle changed in a copy: another name.
    const changed = shareFeeds([a])[0]!;
    expect(await feedKey(changed)).toBe(ka);
    const edited = shareFeeds([randomWalkFeed('BTC-USDT', '1m', 60_000, 2_000, 1)])[0]!;
    edited.columns.volume[1_999] = edited.columns.volume[1_999]! + 1;
    expect(await feedKey(edited)).not.toBe(ka);
  });

  it('columns that share memory with other data are their own content', async () => {
    const made = randomWalkFeed('BTC-USDT', '1m', 60_000, 300, 3);
    // All columns in one buffer, as a packed layout holds them.
    const packed = new Float64Array(7 * 300);
    const columns = {} as Feed['columns'];
    PACKED_COLUMNS.forEach((k, i) => {
      packed.set(made.columns[k], i * 300);
      columns[k] = packed.subarray(i * 300, (i + 1) * 300);
    });
    const feed: Feed = { symbol: 'BTC-USDT', interval: '1m', columns };
    const { data, refs } = await sendFeeds([feed, made]);
    expect(refs.map((r) => [r.from, r.to, r.length])).toEqual([
      [0, 300, 300],
      [0, 300, 300],
    ]);
    expect(data[0]!.key).toBe(data[1]!.key);
    const got = receiveFeeds(refs, held(data.slice(0, 1)));
    expect(columnsOf(got[0]!)).toEqual(columnsOf(made));
    expect(columnsOf(got[1]!)).toEqual(columnsOf(made));
  });

  it('a range or a size that does not match the content is refused in the process', async () => {
    const { data, refs } = await sendFeeds([randomWalkFeed('BTC-USDT', '1m', 60_000, 100, 1)]);
    const ref = refs[0]!;
    const give = held(data);
    for (const bad of [
      { ...ref, to: 101 },
      { ...ref, from: -1 },
      { ...ref, from: 60, to: 50 },
      { ...ref, length: 120, to: 120 },
      { ...ref, from: 0.5 },
    ])
      expect(() => receiveFeeds([bad], give)).toThrow(/holds \d+ bytes/);
    expect(() => receiveFeeds([{ ...ref, key: 'guessed' }], give)).toThrow(/not given/);
  });
});
