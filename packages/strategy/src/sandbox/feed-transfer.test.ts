import { readdir, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import { shareFeeds } from '../research/feeds.ts';
import { closeFeedFiles, receiveFeeds, sendFeeds, transferDirectory } from './feed-transfer.ts';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );
/** Feed files with a name in the transfer directory (a crash would leave these behind). */
const named = async () =>
  (await readdir(await transferDirectory())).filter((f) => f.startsWith('tickline-feed-'));

describe('feed transfer to a sandbox process', () => {
  it.each([
    ['inline', 100, false],
    ['by file', 50_000, false],
    ['by file, from shared memory', 50_000, true],
  ])('feeds %s: the same columns arrive, and no file is left with a name', async (_, bars, shared) => {
    const made = [
      randomWalkFeed('BTC-USDT', '1m', 60_000, bars, 1),
      randomWalkFeed('ETH-USDT', '1s', 1_000, bars, 2),
    ];
    const feeds = shared ? shareFeeds(made) : made;
    const before = await named();
    const { ref, release } = await sendFeeds(feeds);
    expect('file' in ref).toBe(bars > 1_000);
    // Reached by its descriptor: nothing in the directory, even while the call runs.
    expect(await named()).toEqual(before);
    const got = receiveFeeds(ref);
    expect(got.map((f) => [f.symbol, f.interval])).toEqual(feeds.map((f) => [f.symbol, f.interval]));
    for (const [i, feed] of made.entries()) expect(got[i]!.columns).toEqual(feed.columns);
    if ('file' in ref) {
      // In shared memory: the isolate reads it in place.
      expect(got[0]!.columns.close.buffer).toBeInstanceOf(SharedArrayBuffer);
      await release();
      expect(await named()).toEqual(before);
      // Kept for the next call until the server stops; then its memory goes with it.
      await closeFeedFiles();
      expect(await exists(ref.file)).toBe(false);
    }
  });

  it('feeds of one call after another each arrive whole, larger or smaller than the last', async () => {
    for (const [bars, seed] of [
      [30_000, 1],
      [30_000, 2],
      [60_000, 3],
      [20_000, 4],
    ] as const) {
      const feed = randomWalkFeed('BTC-USDT', '1m', 60_000, bars, seed);
      const { ref, release } = await sendFeeds([feed]);
      try {
        const [got] = receiveFeeds(ref);
        expect(got!.columns).toEqual(feed.columns);
      } finally {
        await release();
      }
    }
  });

  it('a file that does not hold what the call says is refused', async () => {
    const feed = randomWalkFeed('BTC-USDT', '1m', 60_000, 20_000, 1);
    const { ref, release } = await sendFeeds([feed]);
    try {
      if (!('file' in ref)) throw new Error('expected a file');
      expect(() => receiveFeeds({ ...ref, feeds: [{ ...ref.feeds[0]!, length: 30_000 }] })).toThrow(
        /holds \d+ bytes/,
      );
    } finally {
      await release();
    }
  });
});
