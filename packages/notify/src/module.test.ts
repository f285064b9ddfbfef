import { readdir } from 'node:fs/promises';
import { loadMigrations } from '@tickline/store';
import { silentLogger } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { notifyConfig } from './config.ts';
import { NOTIFY_EVENTS } from './events.ts';
import { notifyModule, NOTIFY_MIGRATIONS_DIR } from './module.ts';

describe('notify module', () => {
  it('module - the config section parses from nothing to its defaults, strictly', () => {
    expect(notifyModule.config).toBe(notifyConfig);
    const config = notifyConfig.schema.parse(undefined);
    expect(notifyConfig.key).toBe('notify');
    expect(config.dispatch.retryScheduleSeconds).toEqual([
      5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400,
    ]);
    expect(config.webhooks).toMatchObject({ allowPrivateTargets: false, timeoutMs: 15_000 });
    expect(config.tiers.free.channels).toEqual(['in_app']);
    expect(() => notifyConfig.schema.parse({ webhooks: { allowPrivate: true } })).toThrow();
  });

  it('module - migrations 0008, 0012, 0023 and 0071; 0008 is frozen (edit by adding a new one)', async () => {
    expect(await readdir(NOTIFY_MIGRATIONS_DIR)).toEqual([
      '0008_notify.sql',
      '0012_notify_hourly_counts.sql',
      '0023_notify_verification.sql',
      '0071_notify_account_facts.sql',
    ]);
    const [migration] = await loadMigrations(NOTIFY_MIGRATIONS_DIR);
    expect(migration!.checksum).toBe('a1cf4fb42c89eaa99773778eceb6622c7fc54753ce8cf3e2507e46b1e8364247');
  });

  it('module - events and the user-facing delivery list', () => {
    expect(NOTIFY_EVENTS.map((e) => e.type)).toEqual([
      'notification.requested',
      'notification.delivered',
      'notification.failed',
      'notification.inbox.added',
      'notification.inbox.read',
      'admin.notice.sent',
    ]);
    const delivery = notifyModule.channels!(undefined as never)!;
    expect(delivery.eventTypes).toEqual(['notification.inbox.added', 'notification.inbox.read']);
    const published: Array<[string, unknown]> = [];
    const userId = '019a0000-0000-7000-8000-0000000000aa';
    void delivery
      .create({
        publish: (channel, message) => void published.push([channel, message]),
        subscriberCount: () => 1,
      })
      .deliver(
        [
          {
            specversion: '1.0',
            id: 'e1',
            type: 'notification.inbox.added',
            source: 'notify/in-app',
            subject: userId,
            time: '',
            seq: 1,
            partitionkey: userId,
            dataschema: '',
            data: { id: 'n1' },
          },
        ],
        silentLogger,
      );
    expect(published).toEqual([
      [`user:${userId}`, { id: 'e1', type: 'notification.inbox.added', data: { id: 'n1' } }],
    ]);
  });
});
