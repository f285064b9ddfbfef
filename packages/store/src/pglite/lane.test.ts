import { describe, expect, it } from 'vitest';
import { Lane } from './lane.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('lane', () => {
  it('lane - shared work overlaps; exclusive work waits for it and runs alone', async () => {
    const lane = new Lane();
    const log: string[] = [];
    const a = deferred();
    const b = deferred();
    const sharedA = lane.shared(async () => (log.push('a start'), await a.promise, log.push('a end')));
    const sharedB = lane.shared(async () => (log.push('b start'), await b.promise, log.push('b end')));
    const tx = lane.exclusive(async () => log.push('tx'));
    await Promise.resolve();
    expect(log).toEqual(['a start', 'b start']);
    a.resolve();
    await sharedA;
    expect(log).not.toContain('tx');
    b.resolve();
    await Promise.all([sharedB, tx]);
    expect(log).toEqual(['a start', 'b start', 'a end', 'b end', 'tx']);
  });

  it('lane - first come, first served: shared work queued behind a transaction waits for it', async () => {
    const lane = new Lane();
    const log: string[] = [];
    const hold = deferred();
    const tx1 = lane.exclusive(async () => (log.push('tx1'), await hold.promise));
    const later = lane.shared(async () => log.push('shared'));
    const tx2 = lane.exclusive(async () => log.push('tx2'));
    await Promise.resolve();
    expect(log).toEqual(['tx1']);
    hold.resolve();
    await Promise.all([tx1, later, tx2]);
    expect(log).toEqual(['tx1', 'shared', 'tx2']);
  });

  it('lane - a failing holder releases the lane', async () => {
    const lane = new Lane();
    await expect(lane.exclusive(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lane.exclusive(async () => 'next')).toBe('next');
  });
});
