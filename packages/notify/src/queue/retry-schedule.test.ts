import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE_S } from '../config.ts';
import { nextDelayMs } from './retry-schedule.ts';

describe('retry schedule', () => {
  const policy = { scheduleSeconds: DEFAULT_RETRY_SCHEDULE_S, jitter: 0.2 };

  it('retry - follows the Standard Webhooks example schedule, then stops (10 attempts)', () => {
    const delays = Array.from({ length: 10 }, (_, i) => nextDelayMs(policy, i + 1, 0.5));
    expect(delays).toEqual([
      5_000,
      300_000,
      1_800_000,
      7_200_000,
      18_000_000,
      36_000_000,
      50_400_000,
      72_000_000,
      86_400_000,
      undefined,
    ]);
    const totalHours = DEFAULT_RETRY_SCHEDULE_S.reduce((a, b) => a + b, 0) / 3600;
    expect(totalHours).toBeCloseTo(75.6, 1);
  });

  it('retry - jitter spreads each delay within ±20 %', () => {
    expect(nextDelayMs(policy, 2, 0)).toBe(240_000);
    expect(nextDelayMs(policy, 2, 0.999999)).toBe(360_000);
  });

  it('retry - a longer Retry-After wins', () => {
    expect(nextDelayMs(policy, 1, 0.5, 60_000)).toBe(60_000);
    expect(nextDelayMs(policy, 1, 0.5, 1_000)).toBe(5_000);
  });
});
