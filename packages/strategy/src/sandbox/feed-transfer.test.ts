import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import { receiveFeeds, receiveResult, sendFeeds, sendResult } from './feed-transfer.ts';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('feed transfer to a sandbox process', () => {
  it.each([
    ['inline', 100],
    ['by file', 50_000],
  ])('feeds %s: the same columns arrive, and release removes the file', async (_, bars) => {
    const feeds = [
      randomWalkFeed('BTC-USDT', '1m', 60_000, bars, 1),
      randomWalkFeed('ETH-USDT', '1s', 1_000, bars, 2),
    ];
    const { ref, release } = await sendFeeds(feeds);
    expect('file' in ref).toBe(bars > 1_000);
    const got = receiveFeeds(ref);
    expect(got.map((f) => [f.symbol, f.interval])).toEqual(feeds.map((f) => [f.symbol, f.interval]));
    for (const [i, feed] of feeds.entries()) expect(got[i]!.columns).toEqual(feed.columns);
    if ('file' in ref) {
      // In shared memory: the isolate reads it in place.
      expect(got[0]!.columns.close.buffer).toBeInstanceOf(SharedArrayBuffer);
      await release();
      expect(await exists(ref.file)).toBe(false);
    }
  });

  it('results: small ones inline, large ones by file, removed once read', async () => {
    expect(await sendResult({ n: 1 })).toEqual({ inline: { n: 1 } });
    const large = { equity: new Float64Array(200_000).fill(1.5), trades: [{ a: 1 }] };
    const ref = await sendResult(large);
    expect('file' in ref).toBe(true);
    expect(await receiveResult(ref)).toEqual(large);
    expect(await exists((ref as { file: string }).file)).toBe(false);
  });
});
