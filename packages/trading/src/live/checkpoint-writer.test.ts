import { describe, expect, it } from 'vitest';
import { checkpointWriter } from './checkpoint-writer.ts';
import type { LiveCheckpoint } from './live-store.ts';

describe('checkpoint writer', () => {
  it('stores what moved of the runs it owns, a failed write again next time', async () => {
    let points: LiveCheckpoint[] = [
      { id: 'a', atMs: 60_000, candles: 1, signals: 1 },
      { id: 'other', atMs: 60_000, candles: 1, signals: 0 },
    ];
    const writes: string[][] = [];
    let failing = false;
    const write = checkpointWriter(
      () => points,
      (id) => id !== 'other',
      async (moved) => {
        if (failing) throw new Error('database down');
        writes.push(moved.map((p) => `${p.id}@${p.atMs}/${p.candles}`));
      },
    );
    await write();
    await write();
    // The same close settled again with more counted (a run on two feeds), then a new close.
    points = [{ id: 'a', atMs: 60_000, candles: 2, signals: 1 }];
    await write();
    points = [{ id: 'a', atMs: 120_000, candles: 3, signals: 2 }];
    failing = true;
    await expect(write()).rejects.toThrow('database down');
    failing = false;
    await write();
    expect(writes).toEqual([['a@60000/1'], [], ['a@60000/2'], ['a@120000/3']]);
  });
});
