import { describe, expect, it } from 'vitest';
import { PlatformSchema } from '../config.ts';

describe('platform config', () => {
  it('platform config - a group name that is not a durable consumer name is refused', () => {
    expect(PlatformSchema.parse({})).toEqual({
      consumerGroup: 'platform',
      movementRetentionDays: 30,
      movementHistory: 'every',
      movementSampleMs: 1000,
    });
    expect(PlatformSchema.parse({ consumerGroup: 'tenant-b' }).consumerGroup).toBe('tenant-b');
    for (const bad of ['', 'Tenant', 'a.b', '-x', 'x'.repeat(65)]) {
      expect(PlatformSchema.safeParse({ consumerGroup: bad }).success).toBe(false);
    }
  });
});
