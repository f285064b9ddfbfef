import { describe, expect, it } from 'vitest';
import { withTimeout } from './with-timeout.ts';

describe('withTimeout', () => {
  it('withTimeout - a promise settling in time passes its value or rejection through', async () => {
    await expect(withTimeout(Promise.resolve(7), 1_000, 'op')).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('boom')), 1_000, 'op')).rejects.toThrow('boom');
  });

  it('withTimeout - a promise that never settles rejects once the time is up, naming the operation', async () => {
    await expect(withTimeout(new Promise(() => {}), 20, 'redis command')).rejects.toThrow(
      'redis command timed out after 20 ms',
    );
  });

  it('withTimeout - a late rejection of the abandoned promise is not unhandled', async () => {
    let fail!: (error: Error) => void;
    const late = new Promise((_resolve, reject) => (fail = reject));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(withTimeout(late, 10, 'op')).rejects.toThrow('op timed out');
      fail(new Error('late'));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
