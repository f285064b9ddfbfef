import { describe, expect, it } from 'vitest';
import { perTurn } from './per-turn.ts';

describe('perTurn', () => {
  it('perTurn - calls of one turn, awaits that finish in it included, reach many as one batch in order', async () => {
    const batches: number[][] = [];
    const double = perTurn(async (xs: readonly number[]) => {
      batches.push([...xs]);
      return xs.map((x) => x * 2);
    });
    const late = async (x: number) => {
      await Promise.resolve();
      await Promise.resolve();
      return double(x);
    };
    const answers = await Promise.all([double(1), late(2), double(3)]);
    expect(answers).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 3, 2]]);
    // The next turn is the next batch.
    await expect(double(5)).resolves.toBe(10);
    expect(batches).toEqual([[1, 3, 2], [5]]);
  });

  it('perTurn - a batch larger than maxBatch is cut', async () => {
    const sizes: number[] = [];
    const echo = perTurn(
      async (xs: readonly number[]) => {
        sizes.push(xs.length);
        return xs;
      },
      { maxBatch: 2 },
    );
    await expect(Promise.all([1, 2, 3, 4, 5].map(echo))).resolves.toEqual([1, 2, 3, 4, 5]);
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('perTurn - a failed batch rejects every caller', async () => {
    const plain = perTurn(async (_xs: readonly number[]): Promise<number[]> => {
      throw new Error('statement failed');
    });
    const settled = await Promise.allSettled([plain(1), plain(2)]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
  });

  it('perTurn - a many that throws synchronously rejects its callers', async () => {
    const thrower = perTurn((_xs: readonly number[]): Promise<number[]> => {
      throw new Error('sync');
    });
    await expect(thrower(1)).rejects.toThrow('sync');
  });
});
