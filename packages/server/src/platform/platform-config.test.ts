import {
  CONSUMER_GROUP_PATTERN,
  DEFAULT_CONSUMER_GROUP,
  DEFAULT_MOVEMENT_RETENTION_DAYS,
} from '@tickline/platform';
import { describe, expect, it } from 'vitest';
import {
  PLATFORM_CONSUMER_GROUP,
  PLATFORM_CONSUMER_GROUP_PATTERN,
  PLATFORM_MOVEMENT_RETENTION_DAYS,
  PlatformSchema,
} from './platform-config-schema.ts';

describe('platform config', () => {
  it('platform config - the copied defaults match the platform package', () => {
    expect(PLATFORM_CONSUMER_GROUP).toBe(DEFAULT_CONSUMER_GROUP);
    expect(PLATFORM_CONSUMER_GROUP_PATTERN.source).toBe(CONSUMER_GROUP_PATTERN.source);
    expect(PLATFORM_MOVEMENT_RETENTION_DAYS).toBe(DEFAULT_MOVEMENT_RETENTION_DAYS);
  });

  it('platform config - a group name that is not a durable consumer name is refused', () => {
    expect(PlatformSchema.parse({})).toEqual({ consumerGroup: 'platform', movementRetentionDays: 30 });
    expect(PlatformSchema.parse({ consumerGroup: 'tenant-b' }).consumerGroup).toBe('tenant-b');
    for (const bad of ['', 'Tenant', 'a.b', '-x', 'x'.repeat(65)]) {
      expect(PlatformSchema.safeParse({ consumerGroup: bad }).success).toBe(false);
    }
  });
});
