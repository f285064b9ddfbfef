import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, DEFAULT_BACKOFF, fullJitterDelayMs } from './backoff.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { MessageQueue } from './message-queue.ts';
import { RatePacer } from './rate-pacer.ts';
import { FrameSequence, TradeOrder } from './trade-order.ts';

describe('network resilience primitives', () => {
  it('backoff - full jitter stays under a doubling ceiling capped at maxMs', () => {
    const policy = { initialMs: 100, maxMs: 1_000, factor: 2 };
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffCeilingMs(policy, n))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
    expect(fullJitterDelayMs(policy, 3, () => 0.5)).toBe(400);
    expect(fullJitterDelayMs(policy, 3, () => 0)).toBe(0);
    expect(fullJitterDelayMs(policy, 3, () => 0.999_999)).toBeLessThan(800);
    expect(fullJitterDelayMs(DEFAULT_BACKOFF, 0, () => 0.5)).toBe(250);
  });

  it('breaker - opens after K failures, half-opens after the cool-down, closes on success', () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker(clock, { failureThreshold: 3, cooldownMs: 1_000 });
    expect([breaker.onFailure(), breaker.onFailure()]).toEqual([false, false]);
    expect(breaker.state).toBe('closed');
    expect(breaker.onFailure()).toBe(true);
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.remainingMs()).toBe(1_000);
    clock.advance(1_000);
    expect(breaker.state).toBe('half_open');
    expect(breaker.tryAcquire()).toBe(true);
    // A failed trial re-opens at once.
    expect(breaker.onFailure()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    clock.advance(1_000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.failures).toBe(0);
  });

  it('pacer - never more than `limit` sends in any window, in call order', async () => {
    const clock = new ManualClock();
    const sleep = async (ms: number) => clock.advance(ms);
    const pacer = new RatePacer(
      [
        { limit: 2, windowMs: 1_000 },
        { limit: 3, windowMs: 10_000 },
      ],
      clock,
      sleep,
    );
    const at: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map(async () => (await pacer.take(), at.push(clock.monotonic()))));
    expect(at).toEqual([0, 0, 1_000, 10_000, 10_000]);
    const aborted = new AbortController();
    aborted.abort();
    expect(await pacer.take(aborted.signal)).toBe(false);
  });

  it('trade order - duplicates dropped, out-of-order flagged, contiguous gaps found', () => {
    const order = new TradeOrder({ contiguous: true, recentIds: 3 });
    expect(order.check('A', '10', 1).type).toBe('new');
    expect(order.check('A', '11', 2).type).toBe('new');
    expect(order.check('A', '11', 2).type).toBe('duplicate');
    expect(order.check('A', '14', 5)).toEqual({ type: 'gap', from: 12, to: 13 });
    expect(order.check('A', '12', 3).type).toBe('out_of_order');
    expect(order.check('A', '12', 3).type).toBe('duplicate');
    expect(order.lastId('A')).toBe(14);
    expect(order.lastTime('A')).toBe(5);
    // Symbols are independent.
    expect(order.check('B', '12', 3).type).toBe('new');
    const loose = new TradeOrder({ contiguous: false });
    expect([loose.check('A', '1', 1).type, loose.check('A', '9', 2).type]).toEqual(['new', 'new']);
  });

  it('frame sequence - gaps and stale frames per connection', () => {
    const seq = new FrameSequence();
    expect(seq.check(0)).toEqual({ type: 'ok' });
    expect(seq.check(1)).toEqual({ type: 'ok' });
    expect(seq.check(4)).toEqual({ type: 'gap', missed: 2 });
    expect(seq.check(3)).toEqual({ type: 'stale' });
    seq.reset();
    expect(seq.check(0)).toEqual({ type: 'ok' });
  });

  it('queue - pauses the producer past the high water mark and resumes at half', async () => {
    const events: string[] = [];
    const queue = new MessageQueue<number>({
      highWaterMark: 4,
      onPause: () => events.push('pause'),
      onResume: () => events.push('resume'),
    });
    for (let i = 0; i < 6; i++) queue.push(i);
    expect(events).toEqual(['pause']);
    const read: number[] = [];
    const reader = (async () => {
      for await (const n of queue.drain()) read.push(n);
    })();
    await new Promise((r) => setImmediate(r));
    queue.close();
    await reader;
    expect(read).toEqual([0, 1, 2, 3, 4, 5]);
    expect(events).toEqual(['pause', 'resume']);
  });
});
